import fc from 'fast-check';
import {
  type AdmissionPolicy,
  type AdmissionRefusal,
  admit,
  createLimiterState,
  expireLeases,
  type LimiterState,
  reconcile,
  type Reservation,
} from '../../src';

/** One call a client makes: when, how big it claims to be, what it really uses, how long it runs. */
export interface StreamRequest {
  readonly atMs: number;
  readonly institutionId: string;
  readonly estimatedTokens: number;
  readonly actualTokens: number;
  readonly durationMs: number;
}

export interface AdmittedCall {
  readonly request: StreamRequest;
  readonly reservation: Reservation;
  readonly endMs: number;
}

export interface StreamLog {
  readonly admitted: readonly AdmittedCall[];
  readonly refused: readonly { readonly request: StreamRequest; readonly refusal: AdmissionRefusal }[];
  readonly finalState: LimiterState;
}

/**
 * Replays requests in time order on a virtual clock. Calls end (and are reconciled with their actual
 * tokens) at atMs + durationMs, before any request at or after that time is decided.
 */
export function runStream(policy: AdmissionPolicy, requests: readonly StreamRequest[], expireEveryMs = 0): StreamLog {
  let state = createLimiterState(policy);
  const admitted: AdmittedCall[] = [];
  const refused: { request: StreamRequest; refusal: AdmissionRefusal }[] = [];
  const running: AdmittedCall[] = [];
  let lastExpiry = 0;

  const finishUntil = (nowMs: number) => {
    running.sort((a, b) => a.endMs - b.endMs);
    while (running.length > 0 && running[0]!.endMs <= nowMs) {
      const call = running.shift()!;
      state = reconcile(policy, state, call.reservation, call.request.actualTokens, call.endMs).state;
    }
  };

  for (const request of [...requests].sort((a, b) => a.atMs - b.atMs)) {
    finishUntil(request.atMs);
    if (expireEveryMs > 0 && request.atMs - lastExpiry >= expireEveryMs) {
      state = expireLeases(state, request.atMs).state;
      lastExpiry = request.atMs;
    }
    const step = admit(policy, state, { institutionId: request.institutionId, estimatedTokens: request.estimatedTokens }, request.atMs);
    state = step.state;
    if (step.decision.admitted) {
      const call = { request, reservation: step.decision.reservation, endMs: request.atMs + request.durationMs };
      admitted.push(call);
      running.push(call);
    } else {
      refused.push({ request, refusal: step.decision });
    }
  }
  finishUntil(Infinity);
  return { admitted, refused, finalState: state };
}

export interface StreamShape {
  readonly institutionIds: readonly string[];
  readonly maxEstimate: number;
  readonly minRequests?: number;
  readonly maxRequests?: number;
  readonly maxGapMs?: number;
  readonly maxDurationMs?: number;
  /** How far actual usage may exceed the estimate (0: estimates are upper bounds). */
  readonly maxOverrun?: number;
}

const START_MS = Date.UTC(2025, 2, 3, 9);

/** Random request streams: bursts (gap 0) and pauses, estimates up to maxEstimate. */
export function streamArb(shape: StreamShape): fc.Arbitrary<StreamRequest[]> {
  const { institutionIds, maxEstimate, minRequests = 50, maxRequests = 300, maxGapMs = 4_000, maxDurationMs = 20_000, maxOverrun = 0 } = shape;
  return fc
    .array(
      fc.record({
        gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: maxGapMs })),
        member: fc.integer({ min: 0, max: institutionIds.length - 1 }),
        estimatedTokens: fc.integer({ min: 0, max: Math.max(0, Math.floor(maxEstimate)) }),
        actualShare: fc.double({ min: 0, max: 1 + maxOverrun, noNaN: true }),
        durationMs: fc.integer({ min: 0, max: maxDurationMs }),
      }),
      { minLength: minRequests, maxLength: maxRequests },
    )
    .map((drafts) => {
      let atMs = START_MS;
      return drafts.map((draft) => {
        atMs += draft.gapMs;
        return {
          atMs,
          institutionId: institutionIds[draft.member]!,
          estimatedTokens: draft.estimatedTokens,
          actualTokens: Math.round(draft.estimatedTokens * draft.actualShare),
          durationMs: draft.durationMs,
        };
      });
    });
}
