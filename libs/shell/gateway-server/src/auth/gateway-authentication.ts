import { hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestContext, TENANT_ROLES, hasAnyRole, type InstitutionDirectory, type Principal } from '@ai-commons/core';
import { Authenticator, type TokenVerifier } from '@ai-commons/auth';
import { routeOf, type AuthenticationFailures } from '@ai-commons/audit';
import { GatewayError } from '../http/openai-error';
import type { RouteApiKey, RoutingTable } from '../routing/routing-table';

export interface GatewayCaller {
  tenantId: string;
  principal: Principal;
  apiKey?: RouteApiKey;
}

const API_KEY_PREFIX = 'aic_';

function unauthenticated(code: string, message: string): GatewayError {
  return new GatewayError(401, 'authentication_error', code, message);
}

/**
 * Authenticates gateway callers entirely from memory: ai-commons API keys against the routing
 * table's hashes, Keycloak service-account (or user) tokens with the cached signing keys. Only
 * credentials that act for an institution may call models.
 */
export class GatewayAuthentication {
  private readonly tokens: Authenticator;

  constructor(
    verifier: TokenVerifier,
    private readonly table: () => RoutingTable,
    /** Counts failures (bounded audit aggregate) and brakes sources that keep failing; none in unit tests. */
    private readonly failures?: AuthenticationFailures,
  ) {
    const directory: InstitutionDirectory = {
      findBySlug: async (slug) => {
        const institution = this.table().institutionBySlug(slug);
        return institution && { id: institution.id, slug: institution.slug, status: institution.status };
      },
    };
    this.tokens = new Authenticator(verifier, directory);
  }

  /**
   * A source that spent its burst of failures gets 429 before its credential is looked at; a
   * failure (401, 403, 503) is counted in the windowed `authentication.failure` aggregate, never
   * written one row per request. Only 401 and 403 spend the source's burst (503 is our outage).
   */
  async authenticate(req: IncomingMessage): Promise<GatewayCaller> {
    if (!this.failures) return this.authenticateCredential(req);
    const source = RequestContext.current()?.sourceAddress ?? req.socket.remoteAddress;
    // Named only when a failure is recorded: most requests never need it.
    let route: string | undefined;
    const routeName = () => (route ??= routeOf(req.method, req.url ?? '/'));
    const verdict = this.failures.admit(source, routeName);
    if (!verdict.allowed) {
      const retryAfter = String(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)));
      throw new GatewayError(
        429,
        'rate_limit_error',
        'too_many_authentication_failures',
        'Too many failed authentication attempts from this address; retry later.',
        null,
        { 'retry-after': retryAfter },
      );
    }
    try {
      return await this.authenticateCredential(req);
    } catch (error) {
      if (error instanceof GatewayError && (error.status === 401 || error.status === 403)) this.failures.failed(source, error.code, routeName(), error.status);
      else if (error instanceof GatewayError)
        this.failures.recorder.record({ sourceAddress: source ?? 'unknown', reason: error.code, route: routeName(), httpStatus: error.status });
      throw error;
    }
  }

  /**
   * Does the request carry a platform admin's token (health details)? A bad token here counts as an
   * authentication failure like anywhere else; a braked source gets no details.
   */
  async isPlatformAdmin(req: IncomingMessage): Promise<boolean> {
    const header = req.headers.authorization;
    // API keys act for an institution, never as a platform admin: no details, and no failure either.
    if (!header || /^Bearer\s+aic_/i.test(header)) return false;
    const source = RequestContext.current()?.sourceAddress ?? req.socket.remoteAddress;
    const route = routeOf(req.method, req.url ?? '/');
    if (this.failures && !this.failures.admit(source, route).allowed) return false;
    const result = await this.tokens.authenticate(header);
    if (result.status === 'failed' && result.error.kind !== 'unavailable') this.failures?.failed(source, result.error.code.toLowerCase(), route, 401);
    return result.status === 'authenticated' && result.principal.roles.includes('platform-admin');
  }

  private async authenticateCredential(req: IncomingMessage): Promise<GatewayCaller> {
    const header = req.headers.authorization;
    const azureKey = req.headers['api-key'];
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const credential = bearer ?? (typeof azureKey === 'string' ? azureKey.trim() : undefined);
    if (!credential) {
      throw unauthenticated('missing_api_key', 'You didn\'t provide an API key. Send "Authorization: Bearer <key or token>".');
    }
    return credential.startsWith(API_KEY_PREFIX) ? this.byApiKey(credential) : this.byToken(credential);
  }

  private byApiKey(secret: string): GatewayCaller {
    // One-shot hash(): no Hash object per request.
    const key = this.table().apiKey(hash('sha256', secret, 'hex'));
    if (!key) throw unauthenticated('invalid_api_key', 'Incorrect API key provided.');
    if (key.revoked) throw unauthenticated('api_key_revoked', 'This API key has been revoked.');
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) throw unauthenticated('api_key_expired', 'This API key has expired.');
    const institution = this.table().institution(key.tenantId);
    if (!institution || institution.status !== 'active') {
      throw new GatewayError(403, 'permission_error', 'institution_not_active', `The institution is ${institution?.status ?? 'unknown'}.`);
    }
    return {
      tenantId: key.tenantId,
      apiKey: key,
      principal: {
        subject: `api-key:${key.id}`,
        username: `api-key:${key.id}`,
        roles: ['tenant-member'],
        authMethod: 'api-key',
        clientId: key.id,
        institutionSlug: institution.slug,
        institutionId: institution.id,
      },
    };
  }

  private async byToken(token: string): Promise<GatewayCaller> {
    const result = await this.tokens.authenticate(`Bearer ${token}`);
    if (result.status === 'failed') {
      const error = result.error;
      if (error.kind === 'forbidden') throw new GatewayError(403, 'permission_error', error.code.toLowerCase(), error.message);
      if (error.kind === 'unavailable') throw new GatewayError(503, 'api_error', error.code.toLowerCase(), error.message);
      throw unauthenticated(error.code.toLowerCase(), error.message);
    }
    if (result.status !== 'authenticated') throw unauthenticated('missing_api_key', 'No credential provided.');
    const { principal, tenantScope } = result;
    if (!hasAnyRole(principal, TENANT_ROLES) || tenantScope?.kind !== 'tenant') {
      throw new GatewayError(403, 'permission_error', 'institution_credential_required', 'Only credentials of a member institution may call models.');
    }
    return { tenantId: tenantScope.tenantId, principal };
  }
}
