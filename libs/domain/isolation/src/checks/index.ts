import type { IsolationCheck } from './check';
import { auditTreeHead } from './audit-check';
import { authorityConfirmation, credentialSharing, dedicatedEndpoints, sensitiveDataLocalisation } from './endpoint-checks';
import { gatewayProbes } from './gateway-probe';
import { graphqlProbes, noScopeProbe, pooledConnectionProbe, sqlCanaryProbes } from './probe-checks';
import { rlsAppRole, rlsTenantTables, rlsTenantUniqueKeys } from './schema-checks';
import { servingRolePrivileges } from './serving-role-check';
import { credentialsEncrypted, noPlaintextPrompts } from './secret-checks';

/** Every check, in run order (the prompt scan runs after the probes that send the marker). */
export const ALL_CHECKS: readonly IsolationCheck[] = [
  rlsTenantTables,
  rlsAppRole,
  servingRolePrivileges,
  rlsTenantUniqueKeys,
  sqlCanaryProbes,
  noScopeProbe,
  pooledConnectionProbe,
  graphqlProbes,
  gatewayProbes,
  dedicatedEndpoints,
  credentialSharing,
  sensitiveDataLocalisation,
  authorityConfirmation,
  credentialsEncrypted,
  noPlaintextPrompts,
  auditTreeHead,
];

export * from './check';
