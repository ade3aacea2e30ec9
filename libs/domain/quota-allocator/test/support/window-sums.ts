import { WINDOW_MS } from '../../src';
import type { AdmittedCall } from './stream-simulation';

export interface WindowTotals {
  readonly endMs: number;
  readonly calls: number;
  readonly actualTokens: number;
  readonly underestimatedTokens: number;
}

/**
 * Totals of every one-minute window (endMs − WINDOW_MS, endMs] that ends at an admission. The
 * busiest window always ends at an admission, so these are all the windows that matter.
 * Two pointers over calls sorted by time: linear after the sort, so shrinking stays fast.
 */
export function windowTotals(admitted: readonly AdmittedCall[]): WindowTotals[] {
  const calls = [...admitted].sort((a, b) => a.request.atMs - b.request.atMs);
  const totals: WindowTotals[] = [];
  let start = 0;
  let actualTokens = 0;
  let underestimatedTokens = 0;
  let end = 0;
  for (let index = 0; index < calls.length; index += 1) {
    const endMs = calls[index]!.request.atMs;
    for (; end < calls.length && calls[end]!.request.atMs <= endMs; end += 1) {
      actualTokens += calls[end]!.request.actualTokens;
      underestimatedTokens += Math.max(0, calls[end]!.request.actualTokens - calls[end]!.request.estimatedTokens);
    }
    for (; calls[start]!.request.atMs <= endMs - WINDOW_MS; start += 1) {
      actualTokens -= calls[start]!.request.actualTokens;
      underestimatedTokens -= Math.max(0, calls[start]!.request.actualTokens - calls[start]!.request.estimatedTokens);
    }
    totals.push({ endMs, calls: end - start, actualTokens, underestimatedTokens });
  }
  return totals;
}

/** Most calls in flight at any moment (a call occupies [atMs, endMs)). */
export function peakInFlight(admitted: readonly AdmittedCall[]): number {
  // Ends sort before starts at the same instant: a call ending at t frees its slot for one starting at t.
  const events = admitted
    .flatMap((call) => [
      { atMs: call.request.atMs, change: 1 },
      { atMs: call.endMs, change: -1 },
    ])
    .sort((a, b) => a.atMs - b.atMs || a.change - b.change);
  let inFlight = 0;
  let peak = 0;
  for (const event of events) {
    inFlight += event.change;
    peak = Math.max(peak, inFlight);
  }
  return peak;
}
