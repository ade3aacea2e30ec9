/**
 * Fixed role names. Migrations run as the owner; the application connects as the app role, which
 * owns nothing, is not superuser and has no BYPASSRLS, so row-level security always applies to it.
 */
export const OWNER_ROLE = 'ai_commons_owner';
export const APP_ROLE = 'ai_commons_app';
/** Owns the append-only audit tables; NOLOGIN, so nobody can connect as it. */
export const AUDIT_OWNER_ROLE = 'ai_commons_audit_owner';

/** Name of the per-transaction settings the RLS policies read. */
export const TENANT_SETTING = 'app.tenant_id';
export const CROSS_TENANT_SETTING = 'app.cross_tenant';
