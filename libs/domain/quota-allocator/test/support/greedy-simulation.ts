import {
  type AdmissionDecision,
  type AdmissionPolicy,
  admit,
  createLimiterState,
  type LimiterState,
  memberUsage,
  type PerDimension,
  reconcile,
  type Reservation,
} from '../../src';

/** A client that, from startMs on, sends requests every tick until refused (at most maxPerTick). */
export interface GreedyClient {
  readonly institutionId: string;
  readonly estimatedTokens: number;
  readonly startMs: number;
  readonly maxPerTick: number;
}

export interface Attempt {
  readonly atMs: number;
  readonly institutionId: string;
  /** The member's counted usage just before this attempt was decided. */
  readonly usedBefore: PerDimension<number>;
  readonly decision: AdmissionDecision;
}

export interface GreedyRun {
  readonly startMs: number;
  readonly endMs: number;
  readonly tickMs: number;
  /** Durations of admitted calls, used in turn. */
  readonly durationsMs: readonly number[];
  /** Rotates which client goes first in each tick. */
  readonly orderSeed: number;
  /** Called after every tick with whether every active client's last attempt in it was refused. */
  readonly onTick?: (state: LimiterState, nowMs: number, saturated: boolean) => void;
}

/** Runs greedy clients on a virtual clock; calls are reconciled at their estimate when they end. */
export function runGreedy(policy: AdmissionPolicy, clients: readonly GreedyClient[], run: GreedyRun): { attempts: Attempt[]; state: LimiterState } {
  let state = createLimiterState(policy);
  const attempts: Attempt[] = [];
  let running: { reservation: Reservation; endMs: number }[] = [];
  let admittedCount = 0;
  for (let tick = 0, nowMs = run.startMs; nowMs < run.endMs; tick += 1, nowMs += run.tickMs) {
    const finished = running.filter((call) => call.endMs <= nowMs).sort((a, b) => a.endMs - b.endMs);
    running = running.filter((call) => call.endMs > nowMs);
    for (const call of finished) state = reconcile(policy, state, call.reservation, call.reservation.estimatedTokens, nowMs).state;

    let saturated = true;
    for (let turn = 0; turn < clients.length; turn += 1) {
      const client = clients[(turn + tick + run.orderSeed) % clients.length]!;
      if (nowMs < client.startMs) continue;
      for (let sent = 0; sent < client.maxPerTick; sent += 1) {
        const usedBefore = memberUsage(policy, state, client.institutionId, nowMs);
        const step = admit(policy, state, { institutionId: client.institutionId, estimatedTokens: client.estimatedTokens }, nowMs);
        state = step.state;
        attempts.push({ atMs: nowMs, institutionId: client.institutionId, usedBefore, decision: step.decision });
        if (!step.decision.admitted) break;
        if (sent === client.maxPerTick - 1) saturated = false;
        const durationMs = run.durationsMs[admittedCount % run.durationsMs.length]!;
        admittedCount += 1;
        running.push({ reservation: step.decision.reservation, endMs: nowMs + durationMs });
      }
    }
    run.onTick?.(state, nowMs, saturated);
  }
  return { attempts, state };
}
