import fc from 'fast-check';
import { isQuotaConfigError } from './config-issues';
import { deriveWeights } from './derive-weights';

function codesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (isQuotaConfigError(error)) return error.issues.map((issue) => issue.code);
    throw error;
  }
  return [];
}

const investmentsArb = fc
  .uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.bigInt({ min: 0n, max: 10n ** 15n })), {
    minLength: 1,
    maxLength: 12,
    selector: ([id]) => id,
  })
  .filter((rows) => rows.some(([, capital]) => capital > 0n))
  .map((rows) => rows.map(([institutionId, investedCapitalKrw]) => ({ institutionId, investedCapitalKrw })));

describe('deriveWeights', () => {
  it('weights members by invested capital', () => {
    const weights = deriveWeights([
      { institutionId: 'kb', investedCapitalKrw: 30_000_000_000n },
      { institutionId: 'shinhan', investedCapitalKrw: 20_000_000_000n },
      { institutionId: 'woori', investedCapitalKrw: 50_000_000_000n },
    ]);
    expect([...weights]).toEqual([
      ['kb', 0.3],
      ['shinhan', 0.2],
      ['woori', 0.5],
    ]);
  });

  it('sums to 1 and stays proportional to capital, exactly in 10^-15 units, for any capitals', () => {
    fc.assert(
      fc.property(investmentsArb, (investments) => {
        const weights = deriveWeights(investments);
        const total = investments.reduce((sum, row) => sum + row.investedCapitalKrw, 0n);
        expect(Math.abs([...weights.values()].reduce((sum, weight) => sum + weight, 0) - 1)).toBeLessThan(1e-12);
        for (const { institutionId, investedCapitalKrw } of investments) {
          const exact = Number((investedCapitalKrw * 10n ** 15n) / total) / 1e15;
          expect(Math.abs(weights.get(institutionId)! - exact)).toBeLessThanOrEqual(1.5e-15);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('fixes overridden weights and shares the remainder among the others by capital', () => {
    const weights = deriveWeights(
      [
        { institutionId: 'a', investedCapitalKrw: 100n },
        { institutionId: 'b', investedCapitalKrw: 300n },
        { institutionId: 'c', investedCapitalKrw: 999n },
      ],
      new Map([['c', 0.2]]),
    );
    expect(weights.get('c')).toBe(0.2);
    expect(weights.get('a')).toBeCloseTo(0.2, 15);
    expect(weights.get('b')).toBeCloseTo(0.6, 15);
  });

  it('keeps any valid override set and a sum of 1', () => {
    fc.assert(
      fc.property(investmentsArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true })), (investments, overrideDraft) => {
        const overridden = investments.slice(0, Math.max(0, investments.length - 1)).slice(0, overrideDraft.length);
        const scale = Math.max(
          1,
          overrideDraft.reduce((sum, weight) => sum + weight, 0),
        );
        const overrides = new Map(overridden.map((row, index) => [row.institutionId, overrideDraft[index]! / scale]));
        const sharing = investments.filter((row) => !overrides.has(row.institutionId));
        fc.pre(sharing.some((row) => row.investedCapitalKrw > 0n));
        const weights = deriveWeights(investments, overrides);
        for (const [institutionId, weight] of overrides) expect(weights.get(institutionId)).toBeCloseTo(weight, 14);
        expect([...weights.values()].reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 12);
      }),
      { numRuns: 200 },
    );
  });

  it('reports typed errors for unusable input', () => {
    const rows = [
      { institutionId: 'a', investedCapitalKrw: 1n },
      { institutionId: 'b', investedCapitalKrw: 0n },
    ];
    expect(codesOf(() => deriveWeights([{ institutionId: 'a', investedCapitalKrw: -1n }]))).toContain('NEGATIVE_CAPITAL');
    expect(codesOf(() => deriveWeights([...rows, rows[0]!]))).toEqual(['DUPLICATE_MEMBER']);
    expect(codesOf(() => deriveWeights([{ institutionId: '', investedCapitalKrw: 1n }]))).toEqual(['INVALID_INSTITUTION_ID']);
    expect(codesOf(() => deriveWeights(rows, new Map([['z', 0.1]])))).toEqual(['UNKNOWN_MEMBER']);
    expect(codesOf(() => deriveWeights(rows, new Map([['a', 1.5]])))).toEqual(['WEIGHT_OUT_OF_RANGE']);
    expect(codesOf(() => deriveWeights(rows, new Map([['a', Number.NaN]])))).toEqual(['WEIGHT_OUT_OF_RANGE']);
    expect(
      codesOf(() =>
        deriveWeights(
          [...rows, { institutionId: 'c', investedCapitalKrw: 5n }],
          new Map([
            ['a', 0.7],
            ['b', 0.6],
          ]),
        ),
      ),
    ).toEqual(['OVERRIDES_EXCEED_ONE']);
    expect(codesOf(() => deriveWeights(rows, new Map([['a', 0.5]])))).toEqual(['NO_CAPITAL_FOR_REMAINDER']);
    expect(codesOf(() => deriveWeights([{ institutionId: 'a', investedCapitalKrw: 0n }]))).toEqual(['NO_CAPITAL_FOR_REMAINDER']);
    expect(
      codesOf(() =>
        deriveWeights(
          rows,
          new Map([
            ['a', 0.5],
            ['b', 0.5],
          ]),
        ),
      ),
    ).toEqual([]);
    // 0.1 + 0.2 + 0.7 is 1.0000000000000002 in floats: still exactly one.
    const three = [...rows, { institutionId: 'c', investedCapitalKrw: 0n }];
    expect([
      ...deriveWeights(
        three,
        new Map([
          ['a', 0.1],
          ['b', 0.2],
          ['c', 0.7],
        ]),
      ).values(),
    ]).toEqual([0.1, 0.2, 0.7]);
  });
});
