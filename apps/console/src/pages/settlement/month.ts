// Settlement months are calendar months in KST (UTC+9), as the usage report's days are.
const KST_MS = 9 * 3_600_000;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** "YYYY-MM" of the month now is in, in KST. */
export function currentKstMonth(now: Date): string {
  const kst = new Date(now.getTime() + KST_MS);
  return `${kst.getUTCFullYear()}-${String(kst.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** [from, to) instants of a "YYYY-MM" month in KST; null for anything else. */
export function kstMonthBounds(month: string): { from: string; to: string } | null {
  const match = MONTH.exec(month);
  if (!match) return null;
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return {
    from: new Date(Date.UTC(year, index, 1) - KST_MS).toISOString(),
    to: new Date(Date.UTC(year, index + 1, 1) - KST_MS).toISOString(),
  };
}
