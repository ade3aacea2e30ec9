/** The current calendar month in KST (UTC+9), as [from, to) instants. */
export function currentMonthKst(now: Date): { from: string; to: string } {
  const kst = new Date(now.getTime() + 9 * 3_600_000);
  const from = Date.UTC(kst.getUTCFullYear(), kst.getUTCMonth(), 1) - 9 * 3_600_000;
  const to = Date.UTC(kst.getUTCFullYear(), kst.getUTCMonth() + 1, 1) - 9 * 3_600_000;
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}
