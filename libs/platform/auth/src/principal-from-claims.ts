import { ROLES, type Principal, type Role } from '@ai-commons/core';
import { AuthError } from './auth-errors';
import type { VerifiedTokenClaims } from './token-verifier';

const INSTITUTION_GROUP = /^\/institutions\/([a-z][a-z0-9-]{1,62})$/;
const SERVICE_ACCOUNT_PREFIX = 'service-account-';

/**
 * Builds the principal from verified token claims. The institution comes from Keycloak group
 * membership (`/institutions/<slug>`), the same for users and service accounts; a credential in two
 * institutions is refused rather than guessed.
 */
export function principalFromClaims(claims: VerifiedTokenClaims): Principal {
  const rawRoles = Array.isArray(claims.realm_access?.roles) ? claims.realm_access.roles : [];
  const roles = rawRoles.filter((role): role is Role => (ROLES as readonly unknown[]).includes(role));

  const groups = Array.isArray(claims.groups) ? claims.groups.filter((g): g is string => typeof g === 'string') : [];
  const institutions = [...new Set(groups.map((g) => INSTITUTION_GROUP.exec(g)?.[1]).filter((s) => s !== undefined))];
  if (institutions.length > 1) {
    throw AuthError.forbidden('MULTIPLE_INSTITUTIONS', 'The credential belongs to more than one institution', {
      institutions,
    });
  }

  const username = typeof claims.preferred_username === 'string' ? claims.preferred_username : '';
  const clientId = typeof claims.azp === 'string' ? claims.azp : typeof claims.client_id === 'string' ? claims.client_id : '';
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw AuthError.unauthenticated('TOKEN_INVALID', 'The access token has no subject');
  }
  return {
    subject: claims.sub,
    username,
    roles,
    authMethod: username.startsWith(SERVICE_ACCOUNT_PREFIX) ? 'keycloak-service-account' : 'keycloak-user',
    clientId,
    institutionSlug: institutions[0],
  };
}
