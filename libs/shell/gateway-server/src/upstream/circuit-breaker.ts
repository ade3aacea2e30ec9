/**
 * Per-replica (endpoint target) circuit breaker: a replica failing in a row is ejected, and let
 * back after the cooldown by one trial request. Closed: calls flow, consecutive failures are counted. Open: calls
 * are refused until the cooldown passes. Half-open: one trial call decides (success closes it,
 * failure opens it again). Time is passed in, so the logic is testable without clocks.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * How a call counts for its replica's breaker. Only the replica's own failures count against it: a
 * request never sent (refused at admission, or not buildable), a caller who left, or an answer
 * withheld because its audit records could not be written is neutral.
 */
export type BreakerVerdict = 'success' | 'failure' | 'neutral';

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;

  constructor(
    private readonly failureThreshold: number,
    private readonly cooldownMs: number,
  ) {}

  /** Whether a call may go out now; when not, how long until the breaker lets one through. */
  tryAcquire(nowMs: number): { allowed: true } | { allowed: false; retryAfterMs: number } {
    if (this.state === 'open') {
      const waited = nowMs - this.openedAt;
      if (waited < this.cooldownMs) return { allowed: false, retryAfterMs: this.cooldownMs - waited };
      this.state = 'half-open';
    }
    if (this.state === 'half-open') {
      if (this.trialInFlight) return { allowed: false, retryAfterMs: Math.max(1, Math.round(this.cooldownMs / 10)) };
      this.trialInFlight = true;
    }
    return { allowed: true };
  }

  /** 0 when a call would be let through now; else how long until one would. Changes nothing. */
  waitMs(nowMs: number): number {
    if (this.state === 'open') return Math.max(0, this.cooldownMs - (nowMs - this.openedAt));
    if (this.state === 'half-open' && this.trialInFlight) return Math.max(1, Math.round(this.cooldownMs / 10));
    return 0;
  }

  recordSuccess(): void {
    this.state = 'closed';
    this.failures = 0;
    this.trialInFlight = false;
  }

  recordFailure(nowMs: number): void {
    this.trialInFlight = false;
    this.failures++;
    if (this.state === 'half-open' || this.failures >= this.failureThreshold) {
      this.state = 'open';
      this.openedAt = nowMs;
    }
  }

  /** A call that ended without saying anything about the upstream (e.g. the client left). */
  recordNeutral(): void {
    this.trialInFlight = false;
  }

  /** A call's bookkeeping, once per call, from how it ended. */
  settle(verdict: BreakerVerdict, nowMs = Date.now()): void {
    if (verdict === 'success') this.recordSuccess();
    else if (verdict === 'failure') this.recordFailure(nowMs);
    else this.recordNeutral();
  }

  get current(): BreakerState {
    return this.state;
  }
}
