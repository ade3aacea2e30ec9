/**
 * Ad-hoc latency of one admit() decision, in process. Not a test (jest runs *.spec.ts only).
 * Run: see README.md ("Decision latency").
 */
import { admit, buildAdmissionPolicy, createLimiterState, deriveWeights, type LimiterState, reconcile, type Reservation } from '../../src';

const DECISIONS = 50_000;
const WARM_UP = 5_000;

function measure(memberCount: number, meanGapMs: number): { p50: number; p99: number; max: number; admittedShare: number } {
  const ids = Array.from({ length: memberCount }, (_, index) => `institution-${index}`);
  const weights = deriveWeights(ids.map((institutionId, index) => ({ institutionId, investedCapitalKrw: BigInt(10_000_000_000 * (index + 1)) })));
  const policy = buildAdmissionPolicy(
    { capacity: { tokensPerMinute: 2_000_000, requestsPerMinute: 6_000, concurrentRequests: 400 }, headroom: 0.1 },
    ids.map((institutionId) => ({ institutionId, weight: weights.get(institutionId)!, periodTokenBudget: 1e12 })),
  );
  let state: LimiterState = createLimiterState(policy);
  const inFlight: Reservation[] = [];
  const samples: number[] = [];
  let admitted = 0;
  let nowMs = Date.UTC(2025, 6, 1);
  // Deterministic pseudo-random sizes and member choice (xorshift), skewed so some members borrow.
  let seed = 0x2545f491;
  const next = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), (seed >>> 0) / 2 ** 32);
  for (let index = 0; index < WARM_UP + DECISIONS; index += 1) {
    nowMs += Math.floor(next() * 2 * meanGapMs);
    const institutionId = ids[Math.floor(next() ** 2 * memberCount)]!;
    const request = { institutionId, estimatedTokens: 200 + Math.floor(next() * 4_000) };
    const started = process.hrtime.bigint();
    const step = admit(policy, state, request, nowMs);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    state = step.state;
    if (index >= WARM_UP) samples.push(elapsed);
    if (step.decision.admitted) {
      admitted += 1;
      inFlight.push(step.decision.reservation);
    }
    // Calls finish roughly in order, keeping a few hundred in flight.
    while (inFlight.length > 300 || (inFlight.length > 0 && next() < 0.5)) {
      const done = inFlight.shift()!;
      state = reconcile(policy, state, done, Math.floor(done.estimatedTokens * next()), nowMs).state;
    }
  }
  samples.sort((a, b) => a - b);
  const at = (quantile: number) => samples[Math.min(samples.length - 1, Math.floor(quantile * samples.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: samples[samples.length - 1]!, admittedShare: admitted / (WARM_UP + DECISIONS) };
}

// 10 ms between requests overloads the pool (most refused, retry-after computed); 40 ms mostly fits.
for (const [memberCount, meanGapMs] of [
  [3, 10],
  [20, 10],
  [3, 40],
  [20, 40],
] as const) {
  const result = measure(memberCount, meanGapMs);
  console.log(
    `${memberCount} institutions, a request every ${meanGapMs} ms: p50 ${result.p50.toFixed(4)} ms, p99 ${result.p99.toFixed(4)} ms, max ${result.max.toFixed(3)} ms, admitted ${(result.admittedShare * 100).toFixed(0)}%`,
  );
}
