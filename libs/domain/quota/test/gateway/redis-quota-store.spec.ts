import { randomBytes } from 'node:crypto';
import { buildAdmissionPolicy, type AdmissionDecision } from '@ai-commons/quota-allocator';
import { MemoryQuotaStore } from '../../src/gateway/quota-store';
import { QuotaStoreUnavailableError, RedisQuotaStore } from '../../src/gateway/redis-quota-store';

// A real Redis (as in the e2e tests); each run uses keys of its own and removes them.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOW = Date.UTC(2026, 0, 1, 9);
const policy = buildAdmissionPolicy({ capacity: { tokensPerMinute: 10_000, requestsPerMinute: 40, concurrentRequests: 1_000 }, headroom: 0.1 }, [
  { institutionId: 'a', weight: 0.6 },
  { institutionId: 'b', weight: 0.4 },
]);

const admitted = (decisions: AdmissionDecision[]) => decisions.filter((decision) => decision.admitted).length;

describe('RedisQuotaStore (real Redis)', () => {
  const prefix = `test:quota-store:${randomBytes(6).toString('hex')}`;
  const stores: RedisQuotaStore[] = [];
  const open = (clock: () => number = () => NOW) => {
    const store = new RedisQuotaStore({ url: REDIS_URL, keyPrefix: prefix, clock });
    stores.push(store);
    return store;
  };

  afterAll(async () => {
    const cleaner = open();
    const keys = await cleaner.redis.keys(`${prefix}:*`);
    if (keys.length) await cleaner.redis.del(...keys);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('decides exactly as the in-process store for the same sequence of admissions and reconciliations', async () => {
    const redis = open();
    const memory = new MemoryQuotaStore(() => NOW);
    const sequence = Array.from({ length: 60 }, (_, index) => ({ institutionId: index % 3 === 0 ? 'b' : 'a', estimatedTokens: 150 + (index % 7) * 40 }));
    for (const request of sequence) {
      const [fromRedis, fromMemory] = [await redis.admit('same', policy, request), await memory.admit('same', policy, request)];
      expect(fromRedis).toEqual(fromMemory);
      if (fromRedis.admitted && fromMemory.admitted) {
        await redis.reconcile('same', policy, fromRedis.reservation, 100);
        await memory.reconcile('same', policy, fromMemory.reservation, 100);
      }
    }
    expect(await redis.snapshot('same', policy)).toEqual(await memory.snapshot('same', policy));
  });

  it('two gateways sharing the pool never admit more than one store would: concurrent commits conflict and are redone', async () => {
    const [first, second] = [open(), open()];
    const requests = Array.from({ length: 80 }, (_, index) => ({ institutionId: index % 2 ? 'a' : 'b', estimatedTokens: 100 }));
    const decisions = await Promise.all(requests.map((request, index) => (index % 2 ? first : second).admit('shared', policy, request)));
    const alone = new MemoryQuotaStore(() => NOW);
    const reference: AdmissionDecision[] = [];
    for (const request of requests) reference.push(await alone.admit('shared', policy, request));
    // 40 requests a minute: the second gateway's view never lets the pool go past it.
    expect(admitted(decisions)).toBe(admitted(reference));
    expect(admitted(decisions)).toBe(40);
    expect(first.commits + second.commits).toBeGreaterThan(0);
  });

  it('keeps pools apart by key', async () => {
    const store = open();
    expect(store.key('p1')).toBe(`${prefix}:pool:p1`);
    await store.admit('p1', policy, { institutionId: 'a', estimatedTokens: 10 });
    expect(await store.snapshot('p2', policy)).toEqual(await new MemoryQuotaStore(() => NOW).snapshot('p2', policy));
  });

  it('refuses as unavailable, in bounded time, when Redis cannot be reached', async () => {
    const down = new RedisQuotaStore({ url: 'redis://127.0.0.1:1', keyPrefix: prefix, clock: () => NOW });
    stores.push(down);
    const started = Date.now();
    await expect(down.admit('p1', policy, { institutionId: 'a', estimatedTokens: 10 })).rejects.toBeInstanceOf(QuotaStoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
