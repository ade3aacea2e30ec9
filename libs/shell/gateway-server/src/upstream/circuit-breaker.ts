/**
 * Per-endpoint circuit breaker. Closed: calls flow, consecutive failures are counted. Open: calls
 * are refused until the cooldown passes. Half-open: one trial call decides (success closes it,
 * failure opens it again). Time is passed in, so the logic is testable without clocks.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * How a call counts for its endpoint's breaker. Only the endpoint's own failures count against it: a
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

/** One breaker per endpoint id, created on first use. */
export class CircuitBreakers {
  private readonly breakers = new Map<string, CircuitBreaker>();
  constructor(
    private readonly failureThreshold: number,
    private readonly cooldownMs: number,
  ) {}

  for(endpointId: string): CircuitBreaker {
    let breaker = this.breakers.get(endpointId);
    if (!breaker) this.breakers.set(endpointId, (breaker = new CircuitBreaker(this.failureThreshold, this.cooldownMs)));
    return breaker;
  }

  /** Each endpoint's breaker state (read when metrics are scraped). */
  states(): Array<[endpointId: string, state: BreakerState]> {
    return [...this.breakers].map(([endpointId, breaker]) => [endpointId, breaker.current]);
  }
}
