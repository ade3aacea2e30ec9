// One simulated gateway instance for quota-admission.bench.ts: runs `concurrency` request loops
// against a shared Redis pool until the pool refuses `stopAfterRefusals` times in a row, and prints
// how many requests it admitted. Modes: `cas` = the Redis store of the gateway (decision before
// the call, atomic); `count-after` = check a counter before the call, add to it after (LiteLLM,
// Kong and Envoy style).
import { Redis } from 'ioredis';
import { buildAdmissionPolicy } from '@ai-commons/quota-allocator';
import { RedisQuotaStore } from '../../../libs/domain/quota/src/gateway/redis-quota-store';

const [mode, prefix, capacityText, concurrencyText, callMsText] = process.argv.slice(2);
const capacity = Number(capacityText);
const concurrency = Number(concurrencyText);
const callMs = Number(callMsText);
const members = ['a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000003'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  let admitted = 0;
  let refusedInRow = 0;
  const deadline = Date.now() + 8_000;
  if (mode === 'cas') {
    const policy = buildAdmissionPolicy(
      { capacity: { tokensPerMinute: 1e9, requestsPerMinute: capacity, concurrentRequests: 1e6 }, headroom: 0.1 },
      members.map((institutionId, index) => ({ institutionId, weight: [0.5, 0.3, 0.2][index]! })),
    );
    const store = new RedisQuotaStore({ url: 'redis://127.0.0.1:6379', keyPrefix: prefix! });
    let n = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (refusedInRow < 50 && Date.now() < deadline) {
          const decision = await store.admit('bench', policy, { institutionId: members[n++ % 3]!, estimatedTokens: 10 });
          if (!decision.admitted) {
            refusedInRow++;
            await sleep(1);
            continue;
          }
          refusedInRow = 0;
          admitted++;
          await sleep(callMs);
          await store.reconcile('bench', policy, decision.reservation, 10);
        }
      }),
    );
    await store.close();
  } else {
    const redis = new Redis('redis://127.0.0.1:6379');
    const key = `${prefix}:count`;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (refusedInRow < 50 && Date.now() < deadline) {
          const used = Number((await redis.get(key)) ?? 0);
          if (used >= capacity) {
            refusedInRow++;
            await sleep(1);
            continue;
          }
          refusedInRow = 0;
          admitted++;
          await sleep(callMs);
          await redis.incr(key);
        }
      }),
    );
    redis.disconnect();
  }
  process.stdout.write(JSON.stringify({ admitted }) + '\n');
}

void main();
