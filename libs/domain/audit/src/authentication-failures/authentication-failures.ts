import type { AppConfig } from '@ai-commons/config';
import { SourceThrottle, type ThrottleVerdict } from '@ai-commons/auth';
import type { AuditBatchWriter } from '../writer/audit-batch-writer';
import { AuthenticationFailureRecorder } from './authentication-failure-recorder';

/** Reason recorded for requests a throttled source sent (answered 429 without being looked at). */
export const RATE_LIMITED_REASON = 'RATE_LIMITED';

/**
 * What a service does with callers that fail authentication: counts them in the windowed
 * aggregate (bounded audit rows) and spends their source's burst (then 429). One per process.
 */
export class AuthenticationFailures {
  constructor(
    readonly recorder: AuthenticationFailureRecorder,
    readonly throttle: SourceThrottle,
  ) {}

  static fromConfig(writer: AuditBatchWriter, service: 'control-plane' | 'gateway', config: AppConfig, clock?: () => number): AuthenticationFailures {
    return new AuthenticationFailures(
      new AuthenticationFailureRecorder(writer, service, { windowMs: config.AUTH_FAILURE_WINDOW_MS, maxKeys: config.AUTH_FAILURE_MAX_KEYS, clock }),
      new SourceThrottle({
        burst: config.AUTH_FAILURE_BURST,
        refillPerSecond: config.AUTH_FAILURE_REFILL_PER_SECOND,
        maxSources: config.AUTH_FAILURE_MAX_SOURCES,
        clock,
      }),
    );
  }

  /** Before authenticating: a source that spent its burst is refused (and that refusal counted). */
  admit(sourceAddress: string | undefined, route: string | (() => string)): ThrottleVerdict {
    const verdict = this.throttle.check(sourceAddress);
    if (!verdict.allowed) {
      const routeName = typeof route === 'function' ? route() : route;
      this.recorder.record({ sourceAddress: sourceAddress ?? 'unknown', reason: RATE_LIMITED_REASON, route: routeName, httpStatus: 429 });
    }
    return verdict;
  }

  /** A credential failed authentication. */
  failed(sourceAddress: string | undefined, reason: string, route: string, httpStatus: number): void {
    this.recorder.record({ sourceAddress: sourceAddress ?? 'unknown', reason, route, httpStatus });
    this.throttle.recordFailure(sourceAddress);
  }
}
