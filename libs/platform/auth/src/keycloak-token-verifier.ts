import KeycloakConnect from 'keycloak-connect';
import { AuthError, type UnauthenticatedReason } from './auth-errors';
import type { TokenVerifier, VerifiedTokenClaims } from './token-verifier';
import type { AppConfig } from '@ai-commons/config';

export interface KeycloakVerifierOptions {
  /** Base URL exactly as in the tokens' issuer, e.g. http://localhost:18080. */
  url: string;
  realm: string;
  /** Client id that must appear in `aud`. */
  audience: string;
  /** Cooldown between JWKS refetches triggered by an unknown key id, in seconds. */
  minTimeBetweenJwksRequestsS: number;
  /** Upper bound on one verification, which may include a JWKS fetch. */
  keyFetchTimeoutMs: number;
  /** Where to fetch keys from when it differs from `url` (only tests use it, to cut Keycloak off). */
  jwksBaseUrl?: string;
}

// The subset of keycloak-connect's untyped GrantManager we use.
interface GrantManagerLike {
  createGrant(raw: { access_token: string }): Promise<{ access_token?: { content: VerifiedTokenClaims } }>;
  rotation: { realmUrl: string; retrieveJWKs(): Promise<{ keys?: unknown[] }> };
}

const REASONS: [RegExp, UnauthenticatedReason, string][] = [
  [/\(expired\)/, 'TOKEN_EXPIRED', 'The access token has expired'],
  [/\(wrong ISS\)/, 'TOKEN_WRONG_ISSUER', 'The access token was issued by another issuer'],
  [/\(wrong audience\)/, 'TOKEN_WRONG_AUDIENCE', 'The access token is not meant for this API (audience)'],
  [/signature\)/, 'TOKEN_INVALID_SIGNATURE', 'The access token signature is invalid'],
  [/\(wrong type\)/, 'TOKEN_WRONG_TYPE', 'The token is not an access (Bearer) token'],
  [/\(not signed\)/, 'TOKEN_MALFORMED', 'The access token is not a signed JWT'],
  [
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|Error fetching JWK|socket hang up|KEY_FETCH_TIMEOUT/,
    'SIGNING_KEY_UNAVAILABLE',
    'The identity provider signing keys could not be fetched; try again shortly',
  ],
  [/failed to load public key/, 'TOKEN_UNKNOWN_KEY', 'The access token is signed with an unknown key'],
];

export function classifyVerificationFailure(message: string): AuthError {
  for (const [pattern, reason, text] of REASONS) {
    if (pattern.test(message)) return AuthError.unauthenticated(reason, text);
  }
  return AuthError.unauthenticated('TOKEN_INVALID', 'The access token is invalid');
}

/** keycloak-connect in bearer-only mode, audience verified, keys cached by `kid`. */
export class KeycloakTokenVerifier implements TokenVerifier {
  private readonly grantManager: GrantManagerLike;

  constructor(private readonly options: KeycloakVerifierOptions) {
    const keycloak = new KeycloakConnect({}, {
      realm: options.realm,
      'auth-server-url': options.url,
      resource: options.audience,
      'bearer-only': true,
      'verify-token-audience': true,
      'ssl-required': 'external',
      'confidential-port': 0,
      'min-time-between-jwks-requests': options.minTimeBetweenJwksRequestsS,
    } as unknown as KeycloakConnect.KeycloakConfig) as unknown as { grantManager: GrantManagerLike };
    this.grantManager = keycloak.grantManager;
    if (options.jwksBaseUrl) {
      this.grantManager.rotation.realmUrl = `${options.jwksBaseUrl}/realms/${options.realm}`;
    }
  }

  /** The verifier every service builds from its validated configuration. */
  static fromConfig(config: AppConfig): KeycloakTokenVerifier {
    return new KeycloakTokenVerifier({
      url: config.KEYCLOAK_URL,
      realm: config.KEYCLOAK_REALM,
      audience: config.KEYCLOAK_AUDIENCE,
      minTimeBetweenJwksRequestsS: config.KEYCLOAK_JWKS_MIN_INTERVAL_S,
      keyFetchTimeoutMs: config.KEYCLOAK_KEY_FETCH_TIMEOUT_MS,
    });
  }

  async verify(token: string): Promise<VerifiedTokenClaims> {
    if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) {
      throw AuthError.unauthenticated('TOKEN_MALFORMED', 'The access token is not a well-formed JWT');
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const grant = await Promise.race([
        this.grantManager.createGrant({ access_token: token }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('KEY_FETCH_TIMEOUT')), this.options.keyFetchTimeoutMs);
        }),
      ]);
      const content = grant.access_token?.content;
      if (!content) throw new Error('no access token in grant');
      return content;
    } catch (error) {
      if (error instanceof AuthError) throw error;
      throw classifyVerificationFailure(error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
  }

  async checkKeys(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const jwks = await Promise.race([
        this.grantManager.rotation.retrieveJWKs(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('KEY_FETCH_TIMEOUT')), this.options.keyFetchTimeoutMs);
        }),
      ]);
      if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new Error('Error fetching JWK Keys: none');
    } catch (error) {
      throw classifyVerificationFailure(error instanceof Error ? error.message : 'Error fetching JWK Keys');
    } finally {
      clearTimeout(timer);
    }
  }
}
