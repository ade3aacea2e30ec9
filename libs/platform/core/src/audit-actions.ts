/**
 * Every action name the audit log records, in one place. The convention for names is
 * `<resource>.<event>`: two segments, each kebab-case (`endpoint.state-change`,
 * `isolation.alert-acknowledged`). The log is append-only and every event is hashed into the
 * Merkle tree, so stored events are never renamed: the names recorded before the convention keep
 * them (LEGACY_AUDIT_ACTIONS, documented in libs/domain/audit/README.md) and new actions follow it.
 */
export const AUDIT_ACTIONS = {
  crossTenantAccess: 'cross-tenant.access',
  authenticationFailure: 'authentication.failure',
  authorizationDenied: 'authorization.denied',
  auditExport: 'audit.export',

  institutionCreate: 'institution.create',
  institutionUpdate: 'institution.update',
  institutionSuspend: 'institution.suspend',
  institutionReactivate: 'institution.reactivate',
  institutionOffboard: 'institution.offboard',

  modelRegister: 'model.register',
  modelRetire: 'model.retire',
  offeringRegister: 'offering.register',
  offeringRetire: 'offering.retire',
  apiKeyCreate: 'api-key.create',
  apiKeyRevoke: 'api-key.revoke',
  endpointCreate: 'endpoint.create',
  endpointStateChange: 'endpoint.state-change',
  endpointLimitsUpdate: 'endpoint.limits-update',
  endpointAllowedFieldsUpdate: 'endpoint.allowed-fields-update',
  endpointCredentialRotate: 'endpoint.credential-rotate',
  endpointHealthChange: 'endpoint.health-change',
  endpointLoadBalancingUpdate: 'endpoint.load-balancing-update',
  endpointTargetAdd: 'endpoint.target-add',
  endpointTargetUpdate: 'endpoint.target-update',
  endpointTargetRemove: 'endpoint.target-remove',

  quotaPoolCreate: 'quota_pool.create',
  quotaPoolUpdate: 'quota_pool.update',
  quotaPoolRemoveMember: 'quota_pool.remove_member',

  isolationVerificationRun: 'isolation.verification.run',
  isolationVerificationProbe: 'isolation.verification.probe',
  isolationAlertAcknowledge: 'isolation.alert.acknowledge',
  isolationRunInterrupted: 'isolation.run-interrupted',

  dataPolicyPublish: 'data-policy.publish',
  dataPolicyClassificationFloorSet: 'data-policy.classification-floor.set',
  dataPolicyPiiSettingsSet: 'data-policy.pii-settings.set',

  gatewayRequestAdmitted: 'gateway.request.admitted',
  gatewayRequestCompleted: 'gateway.request.completed',
  gatewayRequestRejected: 'gateway.request.rejected',
} as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[keyof typeof AUDIT_ACTIONS];

/** `<resource>.<event>`, each segment kebab-case: lowercase letters and digits joined by single hyphens. */
const AUDIT_ACTION_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Names recorded before the convention; they stay as they are (renaming would break the hash chain
 * of stored events and every query and verifier that looks for them). Closed: nothing is added.
 */
export const LEGACY_AUDIT_ACTIONS: readonly AuditAction[] = [
  'quota_pool.create',
  'quota_pool.update',
  'quota_pool.remove_member',
  'isolation.verification.run',
  'isolation.verification.probe',
  'isolation.alert.acknowledge',
  'data-policy.classification-floor.set',
  'data-policy.pii-settings.set',
  'gateway.request.admitted',
  'gateway.request.completed',
  'gateway.request.rejected',
];

export function followsAuditActionConvention(name: string): boolean {
  return AUDIT_ACTION_NAME.test(name);
}
