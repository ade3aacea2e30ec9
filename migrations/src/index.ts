import { TenancyFoundation1764400000000 } from './1764400000000-tenancy-foundation';
import { CatalogEndpointsUsage1764500000000 } from './1764500000000-catalog-endpoints-usage';
import { AuditLog1764700000000 } from './1764700000000-audit-log';
import { QuotaPools1764800000000 } from './1764800000000-quota-pools';
import { IsolationAndPolicy1764900000000 } from './1764900000000-isolation-and-policy';
import { AuditResponseDigest1765000000000 } from './1765000000000-audit-response-digest';
import { WriteDeadLetters1765200000000 } from './1765200000000-write-dead-letters';
import { GatewayRequestControls1765300000000 } from './1765300000000-gateway-request-controls';
import { EndpointImageTokens1765400000000 } from './1765400000000-endpoint-image-tokens';
import { SimulatorDriverRetired1765600000000 } from './1765600000000-simulator-driver-retired';
import { UseCaseRegister1765700000000 } from './1765700000000-use-case-register';
import { UsageRecordsMonthlyPartitions1765800000000 } from './1765800000000-usage-records-monthly-partitions';
import { EndpointTargets1765900000000 } from './1765900000000-endpoint-targets';
import { UsageDailyRollup1765910000000 } from './1765910000000-usage-daily-rollup';
import { UsageRecovery1765920000000 } from './1765920000000-usage-recovery';
import { IsolationRunOwner1765930000000 } from './1765930000000-isolation-run-owner';

/** Every migration, in order. Landed migrations are never edited: add a new one instead. */
export const ALL_MIGRATIONS = [
  TenancyFoundation1764400000000,
  CatalogEndpointsUsage1764500000000,
  AuditLog1764700000000,
  QuotaPools1764800000000,
  IsolationAndPolicy1764900000000,
  AuditResponseDigest1765000000000,
  WriteDeadLetters1765200000000,
  GatewayRequestControls1765300000000,
  EndpointImageTokens1765400000000,
  SimulatorDriverRetired1765600000000,
  UseCaseRegister1765700000000,
  UsageRecordsMonthlyPartitions1765800000000,
  EndpointTargets1765900000000,
  UsageDailyRollup1765910000000,
  UsageRecovery1765920000000,
  IsolationRunOwner1765930000000,
];
export { UseCaseRegister1765700000000 };
