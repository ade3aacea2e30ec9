import { CircuitBreaker } from '../../src/upstream/circuit-breaker';

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and refuses during the cooldown', () => {
    const breaker = new CircuitBreaker(3, 1_000);
    for (let i = 0; i < 2; i++) {
      expect(breaker.tryAcquire(0).allowed).toBe(true);
      breaker.recordFailure(0);
    }
    expect(breaker.current).toBe('closed');
    breaker.recordFailure(100);
    expect(breaker.current).toBe('open');
    expect(breaker.tryAcquire(600)).toEqual({ allowed: false, retryAfterMs: 500 });
  });

  it('lets one trial through after the cooldown; success closes, failure reopens', () => {
    const breaker = new CircuitBreaker(1, 1_000);
    breaker.recordFailure(0);
    expect(breaker.tryAcquire(1_000).allowed).toBe(true);
    expect(breaker.current).toBe('half-open');
    expect(breaker.tryAcquire(1_001).allowed).toBe(false);
    breaker.recordFailure(1_002);
    expect(breaker.current).toBe('open');
    expect(breaker.tryAcquire(2_002).allowed).toBe(true);
    breaker.recordSuccess();
    expect(breaker.current).toBe('closed');
    expect(breaker.tryAcquire(2_003).allowed).toBe(true);
  });

  it('a success resets the failure count', () => {
    const breaker = new CircuitBreaker(2, 1_000);
    breaker.recordFailure(0);
    breaker.recordSuccess();
    breaker.recordFailure(1);
    expect(breaker.current).toBe('closed');
  });
});
