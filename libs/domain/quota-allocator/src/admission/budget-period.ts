/**
 * Budget periods are calendar months at a fixed UTC offset (KST has no daylight saving, so a fixed
 * offset is exact). Pure date arithmetic: the clock is the caller's `nowMs`.
 */
export interface BudgetPeriod {
  readonly startMs: number;
  readonly endMs: number;
}

export function budgetPeriodAt(nowMs: number, utcOffsetMinutes: number): BudgetPeriod {
  const offsetMs = utcOffsetMinutes * 60_000;
  const local = new Date(nowMs + offsetMs);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  return {
    startMs: Date.UTC(year, month, 1) - offsetMs,
    endMs: Date.UTC(year, month + 1, 1) - offsetMs,
  };
}
