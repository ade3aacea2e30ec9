/**
 * Pure aggregation of authentication failures: one entry per (source address, reason, route) per
 * window, with a count and the first and last time. The number of distinct keys is capped; a failure
 * whose key does not fit goes into one overflow entry, so memory is bounded and no failure is lost
 * from the counts. No clock, no timers: the caller says when and drains.
 */

export interface FailureKey {
  /** Where the request came from (the socket's address). */
  sourceAddress: string;
  /** Why authentication failed (the error code the caller was told). */
  reason: string;
  /** Which service and route was called (a bounded form of the path; see `routeOf`). */
  route: string;
}

export interface FailureObservation extends FailureKey {
  /** HTTP status the caller was answered with (401, 403, 429). */
  httpStatus: number;
  /** The request's id, kept for the first failure of a key in a window (to find it in access logs). */
  requestId?: string | null;
}

export interface AggregatedFailure extends FailureKey {
  httpStatus: number;
  count: number;
  firstAt: number;
  lastAt: number;
  /** Request id of the entry's first failure in the window. */
  firstRequestId: string | null;
  /** True for the one entry that holds every failure whose key did not fit under the cap. */
  overflow: boolean;
}

/** Key of the overflow entry: what it stands for is "any source, any reason, any route". */
export const OVERFLOW_KEY: FailureKey = { sourceAddress: '*', reason: 'OVERFLOW', route: '*' };

export class FailureWindow {
  private entries = new Map<string, AggregatedFailure>();
  private overflowEntry?: AggregatedFailure;

  /** `maxKeys`: distinct keys held per window (the overflow entry comes on top). */
  constructor(private readonly maxKeys: number) {
    if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new RangeError('maxKeys must be a non-negative integer');
  }

  /** Counts one failure at `at` (ms). */
  record(failure: FailureObservation, at: number): void {
    const id = keyOf(failure);
    const existing = this.entries.get(id);
    if (existing) return touch(existing, at);
    if (this.entries.size < this.maxKeys) {
      this.entries.set(id, {
        ...pick(failure),
        httpStatus: failure.httpStatus,
        count: 1,
        firstAt: at,
        lastAt: at,
        firstRequestId: failure.requestId ?? null,
        overflow: false,
      });
      return;
    }
    if (this.overflowEntry) return touch(this.overflowEntry, at);
    this.overflowEntry = {
      ...OVERFLOW_KEY,
      httpStatus: failure.httpStatus,
      count: 1,
      firstAt: at,
      lastAt: at,
      firstRequestId: failure.requestId ?? null,
      overflow: true,
    };
  }

  /** Failures counted since the last drain. */
  get total(): number {
    let sum = this.overflowEntry?.count ?? 0;
    for (const entry of this.entries.values()) sum += entry.count;
    return sum;
  }

  /** Entries held (at most maxKeys + 1). */
  get size(): number {
    return this.entries.size + (this.overflowEntry ? 1 : 0);
  }

  /** Returns the window's entries (overflow last) and starts an empty window. */
  drain(): AggregatedFailure[] {
    const drained = [...this.entries.values()];
    if (this.overflowEntry) drained.push(this.overflowEntry);
    this.entries = new Map();
    this.overflowEntry = undefined;
    return drained;
  }
}

function touch(entry: AggregatedFailure, at: number): void {
  entry.count++;
  if (at < entry.firstAt) entry.firstAt = at;
  if (at > entry.lastAt) entry.lastAt = at;
}

function pick({ sourceAddress, reason, route }: FailureKey): FailureKey {
  return { sourceAddress, reason, route };
}

function keyOf({ sourceAddress, reason, route }: FailureKey): string {
  return JSON.stringify([sourceAddress, reason, route]);
}

const MAX_ROUTE_LENGTH = 100;

/**
 * A bounded route name from a request path: the query string dropped, at most two segments kept
 * (`POST /graphql`, `POST /v1/chat`, `GET /audit/export`) and the length capped, so a caller inventing paths
 * cannot mint keys without end (the cap on keys bounds the rest).
 */
export function routeOf(method: string | undefined, path: string): string {
  const segments = path.split('?')[0].split('/').filter(Boolean).slice(0, 2);
  return `${(method ?? 'GET').slice(0, 10)} /${segments.join('/')}`.slice(0, MAX_ROUTE_LENGTH);
}
