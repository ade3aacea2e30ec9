// Quota admission benchmark: decision latency (in-process and Redis store) and over-admission with
// 1, 2 and 4 gateway instances against a count-after-the-call limiter. See README.md.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildAdmissionPolicy, type Reservation } from '@ai-commons/quota-allocator';
import { MemoryQuotaStore } from '../../../libs/domain/quota/src/gateway/quota-store';
import { RedisQuotaStore } from '../../../libs/domain/quota/src/gateway/redis-quota-store';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');
const members = ['a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000003'];
const policy = buildAdmissionPolicy(
  { capacity: { tokensPerMinute: 5_000_000, requestsPerMinute: 20_000, concurrentRequests: 400 }, headroom: 0.1 },
  members.map((institutionId, index) => ({ institutionId, weight: [0.5, 0.3, 0.2][index]! })),
);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function latency(kind: 'memory' | 'redis', decisions: number): Promise<{ p50: number; p99: number; admittedShare: number }> {
  const prefix = `aic:bench:${randomBytes(4).toString('hex')}`;
  const store = kind === 'memory' ? new MemoryQuotaStore() : new RedisQuotaStore({ url: 'redis://127.0.0.1:6379', keyPrefix: prefix });
  const open: Reservation[] = [];
  const samples: number[] = [];
  let admitted = 0;
  for (let i = 0; i < decisions + 2_000; i++) {
    const start = process.hrtime.bigint();
    const decision = await store.admit('bench', policy, { institutionId: members[i % 3]!, estimatedTokens: 200 + (i % 7) * 50 });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= 2_000) samples.push(elapsed);
    if (decision.admitted) {
      admitted++;
      open.push(decision.reservation);
    }
    // ~100 calls in flight, reconciled with a smaller actual usage (a refund each).
    if (open.length > 100) await store.reconcile('bench', policy, open.shift()!, 150);
  }
  await store.close();
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), admittedShare: admitted / (decisions + 2_000) };
}

async function overAdmission(mode: 'cas' | 'count-after', instances: number, capacity: number, concurrency: number, callMs: number): Promise<number> {
  const prefix = `aic:bench:${randomBytes(4).toString('hex')}`;
  const worker = path.join(__dirname, 'quota-bench-worker.ts');
  const outputs = await Promise.all(
    Array.from({ length: instances }, () =>
      run(process.execPath, ['-r', path.join(root, 'tools/register-ts.cjs'), worker, mode, prefix, String(capacity), String(concurrency), String(callMs)], {
        cwd: root,
      }),
    ),
  );
  return outputs.reduce((sum, output) => sum + (JSON.parse(output.stdout.trim()) as { admitted: number }).admitted, 0);
}

async function main(): Promise<void> {
  const lines: string[] = [];
  lines.push('| store | decisions | p50 (ms) | p99 (ms) | admitted |', '| --- | --- | --- | --- | --- |');
  for (const kind of ['memory', 'redis'] as const) {
    const result = await latency(kind, kind === 'memory' ? 50_000 : 20_000);
    lines.push(
      `| ${kind === 'memory' ? 'in-process' : 'Redis (CAS)'} | ${kind === 'memory' ? '50 000' : '20 000'} | ${result.p50.toFixed(4)} | ${result.p99.toFixed(4)} | ${(result.admittedShare * 100).toFixed(0)} % |`,
    );
  }
  const capacity = 2_000;
  const concurrency = 16;
  const callMs = 20;
  lines.push(
    '',
    `Over-admission: pool of ${capacity} requests/min, each instance ${concurrency} request loops, ${callMs} ms per call, run until the pool refuses.`,
    '',
  );
  lines.push('| instances | Redis CAS store: admitted | over capacity | count-after-the-call: admitted | over capacity |', '| --- | --- | --- | --- | --- |');
  for (const instances of [1, 2, 4]) {
    const cas = await overAdmission('cas', instances, capacity, concurrency, callMs);
    const naive = await overAdmission('count-after', instances, capacity, concurrency, callMs);
    const over = (admitted: number) => `${Math.max(0, admitted - capacity)} (${((Math.max(0, admitted - capacity) / capacity) * 100).toFixed(2)} %)`;
    lines.push(`| ${instances} | ${cas} | ${over(cas)} | ${naive} | ${over(naive)} |`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

void main();
