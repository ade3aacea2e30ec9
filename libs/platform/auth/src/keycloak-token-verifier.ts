import type { KeyObject } from 'node:crypto';
import KeycloakConnect from 'keycloak-connect';
import { AuthError, type UnauthenticatedReason } from './auth-errors';
import { claimRefusal, decodeAccessToken, type AccessTokenExpectations } from './access-token-claims';
import { SigningKeyCache } from './signing-key-cache';
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
  /** Upper bound on one JWKS fetch (the only network a verification may wait for). */
  keyFetchTimeoutMs: number;
  /** Where to fetch keys from when it differs from `url` (only tests use it, to cut Keycloak off). */
  jwksBaseUrl?: string;
}

// keycloak.json settings keycloak-connect documents but its typings omit.
type AdapterConfig = KeycloakConnect.KeycloakConfig & {
  'realm-public-key': string;
  'verify-token-audience': boolean;
};

const MESSAGES: Record<UnauthenticatedReason, string> = {
  TOKEN_MISSING: 'An access token is required',
  TOKEN_MALFORMED: 'The access token is not a well-formed JWT',
  TOKEN_EXPIRED: 'The access token has expired',
  TOKEN_WRONG_ISSUER: 'The access token was issued by another issuer',
  TOKEN_WRONG_AUDIENCE: 'The access token is not meant for this API (audience)',
  TOKEN_INVALID_SIGNATURE: 'The access token signature is invalid',
  TOKEN_WRONG_TYPE: 'The token is not an access (Bearer) token',
  TOKEN_UNKNOWN_KEY: 'The access token is signed with an unknown key',
  SIGNING_KEY_UNAVAILABLE: 'The identity provider signing keys could not be fetched; try again shortly',
  TOKEN_INVALID: 'The access token is invalid',
};

function refused(reason: UnauthenticatedReason): AuthError {
  return AuthError.unauthenticated(reason, MESSAGES[reason]);
}

/**
 * keycloak-connect in bearer-only mode, through its public API only: one adapter per signing key,
 * configured with that key (`realm-public-key`), validates the token — signature, expiry, type,
 * issuer, audience — and is the one that accepts it. Beside it, typed: the key cache (keys kept
 * through a Keycloak outage, `SigningKeyCache`) and the claim checks that name a refusal's reason
 * (keycloak-connect only says it in message text). A token whose claims pass and that the adapter
 * still refuses has a signature that does not verify.
 */
export class KeycloakTokenVerifier implements TokenVerifier {
  private readonly keys: SigningKeyCache;
  private readonly expected: AccessTokenExpectations;
  /** An adapter per key object: keys rotate rarely, and a refetch replaces the key objects. */
  private readonly adapters = new WeakMap<object, KeycloakConnect.Keycloak>();

  constructor(private readonly options: KeycloakVerifierOptions) {
    this.expected = { issuer: `${options.url}/realms/${options.realm}`, audience: options.audience };
    this.keys = new SigningKeyCache({
      jwksUrl: `${options.jwksBaseUrl ?? options.url}/realms/${options.realm}/protocol/openid-connect/certs`,
      minRefetchIntervalMs: options.minTimeBetweenJwksRequestsS * 1000,
      fetchTimeoutMs: options.keyFetchTimeoutMs,
    });
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
    const decoded = decodeAccessToken(token);
    if (decoded === null) throw refused('TOKEN_MALFORMED');
    const claimReason = claimRefusal(decoded.claims, this.expected, Date.now());
    if (claimReason) throw refused(claimReason);
    const lookup = await this.keys.key(decoded.kid);
    if (lookup.kind === 'unavailable') throw refused('SIGNING_KEY_UNAVAILABLE');
    if (lookup.kind === 'unknown') throw refused('TOKEN_UNKNOWN_KEY');
    try {
      // No network: the adapter holds the key. The claims it accepted are the ones decoded above.
      await this.adapterFor(lookup.key).grantManager.createGrant(JSON.stringify({ access_token: token }));
      return decoded.claims;
    } catch {
      // Its claim checks passed a moment ago: expiry is the one that can change since.
      throw refused(claimRefusal(decoded.claims, this.expected, Date.now()) ?? 'TOKEN_INVALID_SIGNATURE');
    }
  }

  /** JWKS fetches since start and how many failed (read by the services' metrics). */
  get keyFetches(): { readonly attempted: number; readonly failed: number } {
    return this.keys.fetches;
  }

  async checkKeys(): Promise<void> {
    try {
      await this.keys.refresh();
    } catch {
      throw refused('SIGNING_KEY_UNAVAILABLE');
    }
  }

  private adapterFor(key: KeyObject): KeycloakConnect.Keycloak {
    let adapter = this.adapters.get(key);
    if (!adapter) {
      const config: AdapterConfig = {
        realm: this.options.realm,
        'auth-server-url': this.options.url,
        resource: this.options.audience,
        'bearer-only': true,
        'verify-token-audience': true,
        'ssl-required': 'external',
        'confidential-port': 0,
        'realm-public-key': key.export({ type: 'spki', format: 'der' }).toString('base64'),
      };
      adapter = new KeycloakConnect({}, config);
      this.adapters.set(key, adapter);
    }
    return adapter;
  }
}
