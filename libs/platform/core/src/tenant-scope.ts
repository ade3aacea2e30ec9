/**
 * The tenant scope a unit of work runs in. A tenant scope confines every database transaction to
 * one institution's rows; the cross-tenant scope is an explicit, audited mode for platform admins
 * (`admin`: read and write) and regulators (`read`).
 */
export type TenantScope =
  | { kind: 'tenant'; tenantId: string }
  | { kind: 'cross-tenant'; access: 'read' | 'admin'; reason: string };
