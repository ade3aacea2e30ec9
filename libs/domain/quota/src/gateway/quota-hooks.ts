import type { JsonLogger } from '@ai-commons/observability';
import { ALLOW, GatewayError, type AdmissionDecision, type AdmissionRequest, type RequestHooks } from '@ai-commons/gateway-admission';
import { quotaRefusal } from './quota-refusal';
import type { QuotaStore } from './quota-store';
import type { PoolRuntime, QuotaTable } from './quota-table';

/**
 * Quota admission: requests to an endpoint in a capacity pool reserve their estimate (prompt +
 * max_tokens) before the upstream call; `complete` reconciles the reservation with the tokens
 * actually used (refund or charge; 0 on failures) and frees the concurrency lease. Endpoints in no
 * pool pass. Over a limit it refuses with 429 (or insufficient_quota); a store that cannot be
 * reached refuses with 503 (fail closed: capacity is shared).
 */
export class QuotaHooks implements RequestHooks {
  constructor(
    private readonly table: () => QuotaTable | undefined,
    private readonly store: QuotaStore,
    private readonly logger: JsonLogger,
    private readonly clock: () => number = Date.now,
  ) {}

  decide(request: AdmissionRequest): AdmissionDecision | Promise<AdmissionDecision> {
    const pool = this.table()?.poolForEndpoint(request.endpoint.id);
    // An endpoint in no pool is decided at once; a pool's reservation may wait for its store (Redis).
    return pool ? this.admitToPool(pool, request) : ALLOW;
  }

  private async admitToPool(pool: PoolRuntime, request: AdmissionRequest): Promise<AdmissionDecision> {
    const { policy } = pool;
    let decision;
    try {
      decision = await this.store.admit(pool.id, policy, { institutionId: request.endpoint.tenantId, estimatedTokens: request.estimatedTokens });
    } catch (error) {
      this.logger.event('error', 'quota.store_failed', { poolId: pool.id, error: (error as Error).message });
      const unavailable = new GatewayError(503, 'api_error', 'quota_unavailable', 'Quota admission is unavailable; the request was not sent.', null, {
        'retry-after': '1',
      });
      return { decision: 'refuse', refusal: { error: unavailable } };
    }
    if (!decision.admitted) return { decision: 'refuse', refusal: { error: quotaRefusal(pool.name, decision, this.clock()) } };
    const { reservation } = decision;
    let done = false;
    return {
      decision: 'allow',
      admission: {
        complete: (result) => {
          if (done) return;
          done = true;
          const actual = result.usage.promptTokens + result.usage.completionTokens;
          this.store.reconcile(pool.id, policy, reservation, actual).catch((error: unknown) => {
            // The reservation then expires at its estimate after the lease TTL (never under-counts).
            this.logger.event('warn', 'quota.reconcile_failed', { poolId: pool.id, reservation: reservation.id, error: (error as Error).message });
          });
        },
      },
    };
  }
}
