/**
 * The tenant scope a unit of work runs in. A tenant scope confines every database transaction to
 * one institution's rows; the cross-tenant scope is an explicit, audited mode for platform admins
 * (`admin`: read and write), regulators (`read`; `review`: their review decisions on use cases,
 * nothing else) and the platform's own services (`system`: the gateway's routing-table loader,
 * usage recorder and health prober).
 */
export type TenantScope = { kind: 'tenant'; tenantId: string } | { kind: 'cross-tenant'; access: 'read' | 'admin' | 'review' | 'system'; reason: string };
