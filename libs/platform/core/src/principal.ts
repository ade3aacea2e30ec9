/** The realm roles ai-commons knows. Anything else in a token is ignored. */
export const ROLES = ['platform-admin', 'tenant-admin', 'tenant-member', 'regulator'] as const;
export type Role = (typeof ROLES)[number];

export type AuthMethod = 'keycloak-user' | 'keycloak-service-account' | 'api-key' | 'system';

/** Who is calling, as established by authentication. Never built from unverified input. */
export interface Principal {
  subject: string;
  username: string;
  roles: Role[];
  authMethod: AuthMethod;
  /** OAuth client that obtained the token (`azp`), or the API key id. */
  clientId: string;
  /** Institution slug named by the credential (token group or API key), if any. */
  institutionSlug?: string;
  /** Institution id, resolved from the slug against the tenancy directory. */
  institutionId?: string;
}

export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}

/** Roles whose holders act inside one institution. */
export const TENANT_ROLES: readonly Role[] = ['tenant-admin', 'tenant-member'];
/** Roles whose holders may read across institutions (in the audited cross-tenant mode). */
export const CROSS_TENANT_ROLES: readonly Role[] = ['platform-admin', 'regulator'];

/** The platform acting on its own behalf (seeding, schedulers); audited under this subject. */
export const SYSTEM_PRINCIPAL: Principal = {
  subject: 'system',
  username: 'system',
  roles: ['platform-admin'],
  authMethod: 'system',
  clientId: 'ai-commons',
};
