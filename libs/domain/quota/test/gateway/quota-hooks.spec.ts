import type { Principal } from '@ai-commons/core';
import { JsonLogger } from '@ai-commons/observability';
import {
  buildAdmissionPolicy,
  type AdmissionDecision as LimiterDecision,
  type AdmissionPolicy,
  type LimiterState,
  type Reservation,
} from '@ai-commons/quota-allocator';
import type { AdmissionRequest } from '@ai-commons/gateway-admission';
import { MemoryQuotaStore, type QuotaStore } from '../../src/gateway/quota-store';
import { QuotaHooks } from '../../src/gateway/quota-hooks';
import { QuotaTable } from '../../src/gateway/quota-table';

const NOW = Date.UTC(2026, 0, 1, 9);
const policy = buildAdmissionPolicy({ capacity: { tokensPerMinute: 1_000, requestsPerMinute: 100, concurrentRequests: 10 }, headroom: 0.1 }, [
  { institutionId: 't1', weight: 1 },
]);
const table = new QuotaTable([{ id: 'p1', name: 'pool-one', policy }], [{ endpointId: 'e1', poolId: 'p1' }]);
const logger = new JsonLogger('test', 'error', () => undefined);

function facts(estimatedTokens: number, endpointId = 'e1'): AdmissionRequest {
  return Object.freeze<AdmissionRequest>({
    requestId: 'r1',
    caller: { tenantId: 't1', principal: { subject: 's' } as Principal },
    endpoint: {
      tenantId: 't1',
      id: endpointId,
      name: 'm',
      upstreamModel: 'up',
      hosting: 'shared-infrastructure',
      region: 'KR',
      networkZone: 'internal',
      authorityConfirmationExpiresAt: null,
    },
    operation: 'chat',
    estimatedTokens,
    body: {},
    startedAt: 0,
  });
}

/** A store that counts what it is asked, around the in-memory one. */
class CountingStore implements QuotaStore {
  readonly kind = 'memory' as const;
  readonly inner = new MemoryQuotaStore(() => NOW);
  reconciled: { reservation: Reservation; actual: number }[] = [];
  failAdmit = false;
  admit(poolKey: string, p: AdmissionPolicy, request: { institutionId: string; estimatedTokens: number }): Promise<LimiterDecision> {
    if (this.failAdmit) return Promise.reject(new Error('redis down'));
    return this.inner.admit(poolKey, p, request);
  }
  reconcile(poolKey: string, p: AdmissionPolicy, reservation: Reservation, actual: number): Promise<void> {
    this.reconciled.push({ reservation, actual });
    return this.inner.reconcile(poolKey, p, reservation, actual);
  }
  lastSeenState(poolKey: string): LimiterState | undefined {
    return this.inner.lastSeenState(poolKey);
  }
  snapshot(poolKey: string, p: AdmissionPolicy): Promise<LimiterState> {
    return this.inner.snapshot(poolKey, p);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('QuotaHooks', () => {
  it('lets an endpoint in no pool through, owing nothing', async () => {
    const store = new CountingStore();
    expect(
      await new QuotaHooks(
        () => table,
        store,
        logger,
        () => NOW,
      ).decide(facts(10, 'elsewhere')),
    ).toEqual({ decision: 'allow' });
    expect(
      await new QuotaHooks(
        () => undefined,
        store,
        logger,
        () => NOW,
      ).decide(facts(10)),
    ).toEqual({ decision: 'allow' });
  });

  it('reserves the estimate, and the admission reconciles it once with the tokens used', async () => {
    const store = new CountingStore();
    const hooks = new QuotaHooks(
      () => table,
      store,
      logger,
      () => NOW,
    );
    const decision = await hooks.decide(facts(300));
    if (decision.decision !== 'allow' || !decision.admission) throw new Error('expected an admission');
    const result = { httpStatus: 200, outcome: 'success' as const, usage: { promptTokens: 20, completionTokens: 30 }, latencyMs: 5 };
    decision.admission.complete(result);
    decision.admission.complete(result);
    expect(store.reconciled).toHaveLength(1);
    expect(store.reconciled[0]).toMatchObject({ actual: 50, reservation: { estimatedTokens: 300 } });
  });

  it('refuses over the limit with the quota refusal as a decision, not a throw', async () => {
    const store = new CountingStore();
    const hooks = new QuotaHooks(
      () => table,
      store,
      logger,
      () => NOW,
    );
    const decision = await hooks.decide(facts(5_000));
    expect(decision).toMatchObject({ decision: 'refuse', refusal: { error: { status: expect.any(Number), code: expect.any(String) } } });
    if (decision.decision !== 'refuse') throw new Error('unreachable');
    expect([413, 429]).toContain(decision.refusal.error.status);
    expect(JSON.parse(decision.refusal.error.body()).error.quota).toMatchObject({ pool: 'pool-one' });
    expect(decision.refusal.record).toBeUndefined();
  });

  it('fails closed with 503 quota_unavailable when the store cannot be reached', async () => {
    const store = new CountingStore();
    store.failAdmit = true;
    const decision = await new QuotaHooks(
      () => table,
      store,
      logger,
      () => NOW,
    ).decide(facts(10));
    expect(decision).toMatchObject({ decision: 'refuse', refusal: { error: { status: 503, code: 'quota_unavailable', headers: { 'retry-after': '1' } } } });
  });
});
