import type { ServerResponse } from 'node:http';
import type { OpenAiError } from '../http/openai-error';
import type { ServedKind, StatsCounter } from './simulator-stats';

type Outcome = ServedKind | 'failedInjected' | 'rejected';

/**
 * One inference request from start to close: owns its pending timer, decides which counter it
 * ends in, and remembers whether it was deliberately stalled so shutdown can cut it off.
 */
export class InferenceExchange {
  private outcome: Outcome | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stalledOnPurpose = false;

  constructor(
    readonly response: ServerResponse,
    readonly requestId: string,
    private readonly stats: StatsCounter,
    private readonly active: Set<InferenceExchange>,
  ) {
    stats.requestStarted();
    active.add(this);
    response.once('close', this.onClose);
  }

  get stalled(): boolean {
    return this.stalledOnPurpose;
  }

  get closed(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  /** Runs `step` after `delayMs`, synchronously when there is no delay (the benchmark path). */
  after(delayMs: number, step: () => void): void {
    if (delayMs <= 0) {
      step();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closed) step();
    }, delayMs);
  }

  /** Stops answering; the connection stays open until the client or close() drops it. */
  stall(): void {
    this.stalledOnPurpose = true;
    this.stats.stallInjected();
  }

  /** A stall after N >= 1 chunks of a non-streamed response: status line and headers, no body. */
  sendHeadersThenStall(contentType: string): void {
    this.response.writeHead(200, { 'content-type': contentType, 'x-request-id': this.requestId });
    this.response.flushHeaders();
    this.stall();
  }

  sendJson(status: number, body: string, outcome: Outcome): void {
    this.outcome = outcome;
    this.response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-request-id': this.requestId,
    });
    this.response.end(body);
  }

  sendError(error: OpenAiError, outcome: 'failedInjected' | 'rejected'): void {
    this.sendJson(error.status, error.toJson(), outcome);
  }

  /** Marks a response the caller is about to end() as complete. */
  completeWith(outcome: ServedKind): void {
    this.outcome = outcome;
  }

  private readonly onClose = (): void => {
    if (this.timer !== null) clearTimeout(this.timer);
    this.active.delete(this);
    const outcome = this.response.writableFinished ? this.outcome : null;
    switch (outcome) {
      case null:
        this.stats.requestAborted();
        return;
      case 'failedInjected':
        this.stats.requestFailedInjected();
        return;
      case 'rejected':
        this.stats.requestRejected();
        return;
      default:
        this.stats.requestServed(outcome);
    }
  };
}
