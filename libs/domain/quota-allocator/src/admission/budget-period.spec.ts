import { budgetPeriodAt } from './budget-period';

const KST = 540;

describe('budgetPeriodAt', () => {
  it('uses calendar months in KST', () => {
    // 2025-01-31 15:00 UTC is 2025-02-01 00:00 KST.
    expect(budgetPeriodAt(Date.UTC(2025, 0, 31, 14, 59, 59, 999), KST)).toEqual({
      startMs: Date.UTC(2024, 11, 31, 15),
      endMs: Date.UTC(2025, 0, 31, 15),
    });
    expect(budgetPeriodAt(Date.UTC(2025, 0, 31, 15), KST)).toEqual({
      startMs: Date.UTC(2025, 0, 31, 15),
      endMs: Date.UTC(2025, 1, 28, 15),
    });
  });

  it('rolls over the year and handles leap February', () => {
    expect(budgetPeriodAt(Date.UTC(2024, 11, 31, 16), KST)).toEqual({ startMs: Date.UTC(2024, 11, 31, 15), endMs: Date.UTC(2025, 0, 31, 15) });
    const february2028 = budgetPeriodAt(Date.UTC(2028, 1, 15), KST);
    expect(february2028.endMs - february2028.startMs).toBe(29 * 86_400_000);
  });

  it('follows the configured offset', () => {
    expect(budgetPeriodAt(Date.UTC(2025, 0, 31, 23), 0).endMs).toBe(Date.UTC(2025, 1, 1));
  });
});
