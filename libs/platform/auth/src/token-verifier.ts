/** Claims of a verified access token (signature, expiry, issuer and audience already checked). */
export interface VerifiedTokenClaims {
  sub?: string;
  preferred_username?: string;
  azp?: string;
  client_id?: string;
  groups?: unknown;
  realm_access?: { roles?: unknown };
  [claim: string]: unknown;
}

/**
 * Verifies bearer tokens. The Keycloak adapter sits behind this interface so that it can be
 * replaced (keycloak-connect receives security fixes only) without touching guards or services.
 * Implementations reject with an AuthError of kind `unauthenticated`.
 */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedTokenClaims>;
  /** Whether the signing keys can be fetched now (readiness). */
  checkKeys(): Promise<void>;
}

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
