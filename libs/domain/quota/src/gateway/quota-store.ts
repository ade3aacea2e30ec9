import {
  admit,
  createLimiterState,
  expireLeases,
  reconcile,
  release,
  type AdmissionDecision,
  type AdmissionPolicy,
  type AdmissionRequest,
  type LimiterState,
  type Reservation,
} from '@ai-commons/quota-allocator';

/** Where a pool's limiter state lives: this process (`memory`) or Redis, shared by every gateway (`redis`). */
export interface QuotaStore {
  readonly kind: 'memory' | 'redis';
  /** Decides one request atomically with respect to every other decision on the pool (all instances). */
  admit(poolKey: string, policy: AdmissionPolicy, request: AdmissionRequest): Promise<AdmissionDecision>;
  /** Settles a reservation with the tokens actually used (refund or charge) and frees its lease. */
  reconcile(poolKey: string, policy: AdmissionPolicy, reservation: Reservation, actualTokens: number): Promise<void>;
  /** The pool's state as this process last committed or read it (no round trip); undefined if never. */
  lastSeenState(poolKey: string): LimiterState | undefined;
  /** The pool's current state (tests, diagnostics). */
  snapshot(poolKey: string, policy: AdmissionPolicy): Promise<LimiterState>;
  close(): Promise<void>;
}

export type QuotaOp =
  | { kind: 'admit'; request: AdmissionRequest }
  | { kind: 'reconcile'; reservation: Reservation; actualTokens: number }
  | { kind: 'release'; reservation: Reservation };

/**
 * Applies operations in order to a state, expiring leases past their TTL first. Pure: the same
 * inputs give the same outputs, which is what lets a store retry a batch on a fresher state.
 */
export function applyOps(
  policy: AdmissionPolicy,
  start: LimiterState | undefined,
  ops: readonly QuotaOp[],
  nowMs: number,
): { state: LimiterState; decisions: (AdmissionDecision | undefined)[] } {
  let state = expireLeases(compatible(policy, start) ?? createLimiterState(policy), nowMs).state;
  const decisions: (AdmissionDecision | undefined)[] = [];
  for (const op of ops) {
    if (op.kind === 'admit') {
      const step = admit(policy, state, op.request, nowMs);
      state = step.state;
      decisions.push(step.decision);
    } else if (op.kind === 'reconcile') {
      state = reconcile(policy, state, op.reservation, op.actualTokens, nowMs).state;
      decisions.push(undefined);
    } else {
      state = release(state, op.reservation).state;
      decisions.push(undefined);
    }
  }
  return { state, decisions };
}

/** A state built for another bucket width cannot be read with this policy: start afresh. */
function compatible(policy: AdmissionPolicy, state: LimiterState | undefined): LimiterState | undefined {
  return state && state.pool.tokens.slots.length === policy.slotCount ? state : undefined;
}

/**
 * The single-process store: one state per pool in memory. Decisions are synchronous, so they are
 * atomic by construction; the in-process bound is the allocator's own (none beyond estimation).
 */
export class MemoryQuotaStore implements QuotaStore {
  readonly kind = 'memory' as const;
  private readonly states = new Map<string, LimiterState>();

  constructor(private readonly clock: () => number = Date.now) {}

  async admit(poolKey: string, policy: AdmissionPolicy, request: AdmissionRequest): Promise<AdmissionDecision> {
    return this.apply(poolKey, policy, { kind: 'admit', request })!;
  }

  async reconcile(poolKey: string, policy: AdmissionPolicy, reservation: Reservation, actualTokens: number): Promise<void> {
    this.apply(poolKey, policy, { kind: 'reconcile', reservation, actualTokens });
  }

  lastSeenState(poolKey: string): LimiterState | undefined {
    return this.states.get(poolKey);
  }

  async snapshot(poolKey: string, policy: AdmissionPolicy): Promise<LimiterState> {
    return applyOps(policy, this.states.get(poolKey), [], this.clock()).state;
  }

  async close(): Promise<void> {
    this.states.clear();
  }

  /** Synchronous decision (benchmarks measure this path). */
  apply(poolKey: string, policy: AdmissionPolicy, op: QuotaOp): AdmissionDecision | undefined {
    const { state, decisions } = applyOps(policy, this.states.get(poolKey), [op], this.clock());
    this.states.set(poolKey, state);
    return decisions[0];
  }
}
