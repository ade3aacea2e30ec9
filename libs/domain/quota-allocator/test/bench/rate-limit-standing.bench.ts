/**
 * Ad-hoc cost of rateLimitStanding() (the x-ratelimit-* figures the gateway adds to each answer),
 * next to the admit() it follows, on the same busy pool. Not a test. Run: see README.md ("Decision latency").
 */
import { admit, buildAdmissionPolicy, createLimiterState, deriveWeights, type LimiterState, rateLimitStanding } from '../../src';

const SAMPLES = 50_000;
const WARM_UP = 5_000;

function measure(memberCount: number): { standing: { p50: number; p99: number }; admit: { p50: number; p99: number } } {
  const ids = Array.from({ length: memberCount }, (_, index) => `institution-${index}`);
  const weights = deriveWeights(ids.map((institutionId, index) => ({ institutionId, investedCapitalKrw: BigInt(10_000_000_000 * (index + 1)) })));
  const policy = buildAdmissionPolicy(
    { capacity: { tokensPerMinute: 2_000_000, requestsPerMinute: 6_000, concurrentRequests: 400 }, headroom: 0.1 },
    ids.map((institutionId) => ({ institutionId, weight: weights.get(institutionId)! })),
  );
  let state: LimiterState = createLimiterState(policy);
  let nowMs = Date.UTC(2025, 6, 1);
  let seed = 0x2545f491;
  const next = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), (seed >>> 0) / 2 ** 32);
  const standingSamples: number[] = [];
  const admitSamples: number[] = [];
  for (let index = 0; index < WARM_UP + SAMPLES; index += 1) {
    nowMs += Math.floor(next() * 20);
    const institutionId = ids[Math.floor(next() ** 2 * memberCount)]!;
    let started = process.hrtime.bigint();
    state = admit(policy, state, { institutionId, estimatedTokens: 200 + Math.floor(next() * 4_000) }, nowMs).state;
    const admitMs = Number(process.hrtime.bigint() - started) / 1e6;
    started = process.hrtime.bigint();
    rateLimitStanding(policy, state, institutionId, nowMs);
    const standingMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (index >= WARM_UP) {
      admitSamples.push(admitMs);
      standingSamples.push(standingMs);
    }
  }
  const quantiles = (samples: number[]) => {
    samples.sort((a, b) => a - b);
    const at = (quantile: number) => samples[Math.min(samples.length - 1, Math.floor(quantile * samples.length))]!;
    return { p50: at(0.5), p99: at(0.99) };
  };
  return { standing: quantiles(standingSamples), admit: quantiles(admitSamples) };
}

for (const memberCount of [3, 20, 50]) {
  const { standing, admit: decision } = measure(memberCount);
  console.log(
    `${memberCount} institutions: rateLimitStanding p50 ${standing.p50.toFixed(4)} ms, p99 ${standing.p99.toFixed(4)} ms (admit p50 ${decision.p50.toFixed(4)} ms, p99 ${decision.p99.toFixed(4)} ms)`,
  );
}
