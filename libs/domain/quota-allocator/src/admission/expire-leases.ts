import type { LimiterState, MemberLimiterState } from './limiter-state';

/**
 * Settles every reservation whose TTL has run out at its estimate (a gateway that lost track of a
 * call cannot prove it used less) and frees its lease. Call it periodically and before deciding
 * concurrency-bound requests; its cost is one pass over the open reservations.
 */
export function expireLeases(state: LimiterState, nowMs: number): { readonly state: LimiterState; readonly expiredIds: readonly string[] } {
  const expiredIds: string[] = [];
  let members: Record<string, MemberLimiterState> | undefined;
  let freedLeases = 0;
  for (const [institutionId, member] of Object.entries(state.members)) {
    const expired = member.open.filter((reservation) => reservation.expiresAtMs <= nowMs);
    if (expired.length === 0) continue;
    const freed = expired.filter((reservation) => reservation.leaseHeld).length;
    members ??= { ...state.members };
    members[institutionId] = {
      ...member,
      usage: { ...member.usage, leases: Math.max(0, member.usage.leases - freed) },
      open: member.open.filter((reservation) => reservation.expiresAtMs > nowMs),
    };
    freedLeases += freed;
    expiredIds.push(...expired.map((reservation) => reservation.id));
  }
  if (members === undefined) return { state, expiredIds };
  return {
    state: { ...state, pool: { ...state.pool, leases: Math.max(0, state.pool.leases - freedLeases) }, members },
    expiredIds,
  };
}
