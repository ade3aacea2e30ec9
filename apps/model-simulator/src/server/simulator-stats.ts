/**
 * Counters over inference requests (chat completions and embeddings, both path styles). Every
 * started request ends in exactly one of served / failedInjected / rejected / aborted, or is
 * still in flight, so `started = served.total + failedInjected + rejected + aborted + inFlight`.
 * `stalled` counts stall injections that took effect; a stalled request stays in flight until
 * its client (or close()) drops the connection, and is then counted as aborted.
 */
export interface SimulatorStats {
  /** Requests that received a complete 2xx response. */
  readonly served: { readonly total: number; readonly chat: number; readonly chatStream: number; readonly embeddings: number };
  readonly started: number;
  /** Requests answered with an injected error status. */
  readonly failedInjected: number;
  /** Requests refused for bad input, a wrong key or an unknown model (4xx, not injected). */
  readonly rejected: number;
  /** Requests whose connection closed before the response was complete. */
  readonly aborted: number;
  readonly stalled: number;
  readonly inFlight: number;
  /** Chat requests whose prefix was cached (faster first token) and those whose prefix was not. */
  readonly prefixCache: { readonly hits: number; readonly misses: number };
}

export type ServedKind = 'chat' | 'chatStream' | 'embeddings';

export class StatsCounter {
  private served = { chat: 0, chatStream: 0, embeddings: 0 };
  private started = 0;
  private failedInjected = 0;
  private rejected = 0;
  private aborted = 0;
  private stalled = 0;
  private inFlight = 0;
  private prefixHits = 0;
  private prefixMisses = 0;

  prefixLookedUp(hit: boolean): void {
    if (hit) this.prefixHits++;
    else this.prefixMisses++;
  }

  requestStarted(): void {
    this.started++;
    this.inFlight++;
  }

  requestServed(kind: ServedKind): void {
    this.served[kind]++;
    this.inFlight--;
  }

  requestFailedInjected(): void {
    this.failedInjected++;
    this.inFlight--;
  }

  requestRejected(): void {
    this.rejected++;
    this.inFlight--;
  }

  requestAborted(): void {
    this.aborted++;
    this.inFlight--;
  }

  stallInjected(): void {
    this.stalled++;
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Zeroes the totals; requests still in flight stay counted as started so the identity holds. */
  reset(): void {
    this.served = { chat: 0, chatStream: 0, embeddings: 0 };
    this.started = this.inFlight;
    this.failedInjected = 0;
    this.rejected = 0;
    this.aborted = 0;
    this.stalled = 0;
    this.prefixHits = 0;
    this.prefixMisses = 0;
  }

  snapshot(): SimulatorStats {
    const { chat, chatStream, embeddings } = this.served;
    return {
      served: { total: chat + chatStream + embeddings, chat, chatStream, embeddings },
      started: this.started,
      failedInjected: this.failedInjected,
      rejected: this.rejected,
      aborted: this.aborted,
      stalled: this.stalled,
      inFlight: this.inFlight,
      prefixCache: { hits: this.prefixHits, misses: this.prefixMisses },
    };
  }
}
