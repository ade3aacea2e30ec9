import type { UnauthenticatedReason } from './auth-errors';
import type { VerifiedTokenClaims } from './token-verifier';

/** A JWT's parts as JSON: what the refusal reasons are decided on. Nothing here is verified. */
export interface DecodedAccessToken {
  readonly kid: string;
  readonly claims: VerifiedTokenClaims & { readonly exp?: unknown; readonly iss?: unknown; readonly aud?: unknown; readonly typ?: unknown };
}

export interface AccessTokenExpectations {
  /** `iss` exactly: `<Keycloak URL>/realms/<realm>`. */
  readonly issuer: string;
  /** Must appear in `aud`. */
  readonly audience: string;
}

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The header's key id and the payload claims, or null when the token is not a JWS of JSON objects. */
export function decodeAccessToken(token: string): DecodedAccessToken | null {
  if (!JWT.test(token)) return null;
  const [header, payload] = token.split('.').map(json);
  if (!isObject(header) || !isObject(payload) || typeof header['kid'] !== 'string') return null;
  return { kid: header['kid'], claims: payload as DecodedAccessToken['claims'] };
}

/**
 * Why keycloak-connect would refuse these claims, checked the way it checks them (bearer type,
 * expiry at millisecond precision, exact issuer, audience), or null. keycloak-connect only reports
 * a reason as message text; checking first tells the caller which one, typed.
 */
export function claimRefusal(claims: DecodedAccessToken['claims'], expected: AccessTokenExpectations, nowMs: number): UnauthenticatedReason | null {
  if (claims.typ !== 'Bearer') return 'TOKEN_WRONG_TYPE';
  if (typeof claims.exp !== 'number') return 'TOKEN_INVALID'; // stricter than keycloak-connect, which lets it pass
  if (claims.exp * 1000 < nowMs) return 'TOKEN_EXPIRED';
  if (claims.iss !== expected.issuer) return 'TOKEN_WRONG_ISSUER';
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(expected.audience)) return 'TOKEN_WRONG_AUDIENCE';
  return null;
}

function json(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
