/**
 * Which replica (endpoint target) takes the next request: pure functions over a small array
 * (at most 16 targets an endpoint), no allocation on the request path.
 */

export interface ReplicaLoad {
  /** Share of requests relative to the others (1-1000). */
  readonly weight: number;
  /** Requests this gateway has in flight on it. */
  readonly outstanding: number;
  /** Whether it may take a request now (its breaker lets one through, not excluded for this request). */
  readonly available: boolean;
}

/**
 * Least outstanding requests per weight: the available replica with the smallest
 * (outstanding + 1) / weight. Ties go to the first one at or after `rotation` (callers advance it,
 * so idle replicas share the work). -1 when none is available.
 */
export function leastOutstanding(replicas: readonly ReplicaLoad[], rotation: number): number {
  const count = replicas.length;
  let best = -1;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let step = 0; step < count; step++) {
    const index = (rotation + step) % count;
    const replica = replicas[index];
    if (!replica.available) continue;
    const score = (replica.outstanding + 1) / replica.weight;
    if (score < bestScore) {
      bestScore = score;
      best = index;
    }
  }
  return best;
}

/**
 * Smooth weighted round-robin (nginx's): each available replica gains its weight, the richest is
 * chosen and pays the total. Over any run of Σweights picks each is chosen weight times, evenly
 * interleaved. `credit` (one number per replica) is the state, updated in place. -1 when none is available.
 */
export function weightedRoundRobin(replicas: readonly ReplicaLoad[], credit: number[]): number {
  let best = -1;
  let total = 0;
  for (let index = 0; index < replicas.length; index++) {
    const replica = replicas[index];
    if (!replica.available) continue;
    credit[index] += replica.weight;
    total += replica.weight;
    if (best === -1 || credit[index] > credit[best]) best = index;
  }
  if (best !== -1) credit[best] -= total;
  return best;
}

/**
 * Prefix affinity with a load bound: the replica that served the prefix (`affine`) keeps it while
 * it is available and has at most `maxExcess` more requests in flight than the least loaded
 * choice; otherwise the least loaded choice. One hot prefix therefore cannot pile onto one replica.
 */
export function withAffinity(replicas: readonly ReplicaLoad[], affine: number, leastLoaded: number, maxExcess: number): number {
  if (affine < 0 || affine >= replicas.length || leastLoaded < 0) return leastLoaded;
  const replica = replicas[affine];
  if (!replica.available) return leastLoaded;
  return replica.outstanding - replicas[leastLoaded].outstanding <= maxExcess ? affine : leastLoaded;
}
