import { randomUUID } from 'node:crypto';
import { AUDIT_ACTIONS, RequestContext } from '@ai-commons/core';
import type { AuditEventInput } from '../events/audit-event';
import type { AuditBatchWriter } from '../writer/audit-batch-writer';
import { FailureWindow, type AggregatedFailure, type FailureObservation } from './failure-window';

export interface AuthenticationFailureRecorderOptions {
  /** Length of a window: each (source, reason, route) gets at most one event per window. */
  windowMs: number;
  /** Distinct keys per window; the rest share one overflow event. */
  maxKeys: number;
  clock?: () => number;
}

/**
 * Authentication failures of anonymous callers cost the log a bounded number of rows: they are
 * counted in memory and written as one `authentication.failure` event per (source address, reason,
 * route) per window, with the count and the first and last time, when the window ends and at
 * shutdown. At most `maxKeys + 1` events per window, whatever a caller sends.
 */
export class AuthenticationFailureRecorder {
  private window: FailureWindow;
  private windowStartedAt: number;
  private timer?: NodeJS.Timeout;
  private readonly clock: () => number;

  constructor(
    private readonly writer: AuditBatchWriter,
    private readonly service: 'control-plane' | 'gateway',
    private readonly options: AuthenticationFailureRecorderOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.window = new FailureWindow(options.maxKeys);
    this.windowStartedAt = this.clock();
  }

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.options.windowMs);
    this.timer.unref();
  }

  record(failure: FailureObservation): void {
    this.window.record({ ...failure, requestId: failure.requestId ?? RequestContext.current()?.requestId ?? null }, this.clock());
  }

  /** Failures counted in the current window, not yet handed to the writer. */
  get pending(): number {
    return this.window.total;
  }

  /** Ends the window: its aggregated events go to the batch writer. */
  flush(): void {
    const endedAt = this.clock();
    const startedAt = this.windowStartedAt;
    this.windowStartedAt = endedAt;
    for (const failure of this.window.drain()) this.writer.append(this.eventOf(failure, startedAt, endedAt));
  }

  /** Stops the timer and hands the current window to the writer (stop the writer after this). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private eventOf(failure: AggregatedFailure, windowStart: number, windowEnd: number): AuditEventInput {
    return {
      id: randomUUID(),
      occurredAt: new Date(failure.lastAt),
      tenantId: null,
      // The first failure's request id, to find it in the access log; the rest are in `count`.
      requestId: failure.firstRequestId,
      actor: { subject: 'anonymous', sourceAddress: failure.overflow ? null : failure.sourceAddress },
      action: AUDIT_ACTIONS.authenticationFailure,
      resourceType: this.service,
      resourceId: failure.route,
      outcome: 'denied',
      httpStatus: failure.httpStatus,
      details: {
        reason: failure.reason,
        count: failure.count,
        firstAt: new Date(failure.firstAt).toISOString(),
        lastAt: new Date(failure.lastAt).toISOString(),
        windowStart: new Date(windowStart).toISOString(),
        windowEnd: new Date(windowEnd).toISOString(),
        ...(failure.overflow ? { overflow: true } : {}),
      },
    };
  }
}
