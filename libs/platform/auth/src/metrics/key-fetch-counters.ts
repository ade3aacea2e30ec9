import type { Registry } from 'prom-client';
import { counterFrom } from '@ai-commons/observability';
import { KeycloakTokenVerifier } from '../keycloak-token-verifier';
import type { TokenVerifier } from '../token-verifier';

/**
 * Keycloak signing key (JWKS) fetches and failures: a failing fetch leaves tokens signed with a new
 * key unverifiable. Only the Keycloak verifier has a key cache (tests may inject another: no sample).
 */
export function registerKeyFetchCounters(registry: Registry, verifier: TokenVerifier): void {
  if (!(verifier instanceof KeycloakTokenVerifier)) return;
  counterFrom(registry, 'ai_commons_keycloak_key_fetches_total', 'Keycloak signing key (JWKS) fetches since start', () => verifier.keyFetches.attempted);
  counterFrom(registry, 'ai_commons_keycloak_key_fetch_failures_total', 'Keycloak signing key (JWKS) fetches that failed', () => verifier.keyFetches.failed);
}
