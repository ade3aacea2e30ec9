import { type ConfigIssue, QuotaConfigError } from './config-issues';

export interface InstitutionInvestment {
  readonly institutionId: string;
  readonly investedCapitalKrw: bigint;
}

/**
 * Weights are computed in integer units of 10⁻¹⁵ so that they sum to exactly one unit total before
 * the final conversion to float; 10¹⁵ < 2⁵³, so every unit count converts to a number exactly.
 */
const WEIGHT_UNITS = 1_000_000_000_000_000n;

/**
 * Each member's weight in a pool.
 *
 * - Without overrides, weight = capital / total capital.
 * - An override fixes that member's weight. The members without an override share the remainder
 *   (1 − Σ overrides) in proportion to their capital. Capital of overridden members is ignored.
 *   Overrides summing to 1 within 10⁻⁹ count as exactly 1 (the rounding excess comes off the largest).
 *
 * The split is exact (bigint, largest-remainder rounding to 10⁻¹⁵, ties to the earlier member) and
 * the result sums to 1 within float rounding. The map keeps the order of `investments`.
 *
 * @throws QuotaConfigError NEGATIVE_CAPITAL, DUPLICATE_MEMBER, INVALID_INSTITUTION_ID, UNKNOWN_MEMBER
 *   (override for an institution without an investment row), WEIGHT_OUT_OF_RANGE (override not in
 *   [0, 1]), OVERRIDES_EXCEED_ONE, NO_CAPITAL_FOR_REMAINDER (a remainder is left but no member
 *   without an override has capital to carry it).
 */
export function deriveWeights(investments: readonly InstitutionInvestment[], overrides: ReadonlyMap<string, number> = new Map()): Map<string, number> {
  const issues = investmentIssues(investments, overrides);
  if (issues.length > 0) throw new QuotaConfigError(issues);

  const overrideUnits = overridesInUnits(overrides);
  const overriddenTotal = [...overrideUnits.values()].reduce((sum, units) => sum + units, 0n);
  const remainderUnits = WEIGHT_UNITS - overriddenTotal;
  if (remainderUnits < 0n) {
    throw new QuotaConfigError([
      { code: 'OVERRIDES_EXCEED_ONE', field: 'weight', message: `weight overrides sum to ${Number(overriddenTotal) / Number(WEIGHT_UNITS)}, above 1` },
    ]);
  }

  const sharing = investments.filter((row) => !overrideUnits.has(row.institutionId));
  const sharedUnits = splitProportionally(
    remainderUnits,
    sharing.map((row) => row.investedCapitalKrw),
  );
  if (sharedUnits === undefined) {
    throw new QuotaConfigError([
      {
        code: 'NO_CAPITAL_FOR_REMAINDER',
        field: 'investedCapitalKrw',
        message: `weight ${Number(remainderUnits) / Number(WEIGHT_UNITS)} is left after overrides but no member without an override has capital`,
      },
    ]);
  }

  const sharedByMember = new Map(sharing.map((row, index) => [row.institutionId, sharedUnits[index] ?? 0n]));
  const weights = new Map<string, number>();
  for (const { institutionId } of investments) {
    const units = overrideUnits.get(institutionId) ?? sharedByMember.get(institutionId) ?? 0n;
    weights.set(institutionId, Number(units) / Number(WEIGHT_UNITS));
  }
  return weights;
}

/** Float overrides that sum to 1 may round to a few units more; those come off the largest override. */
const OVERRIDE_ROUNDING_UNITS = 1_000_000n; // 10⁻⁹, the weight-sum tolerance of validatePoolConfig

function overridesInUnits(overrides: ReadonlyMap<string, number>): Map<string, bigint> {
  const units = new Map<string, bigint>();
  for (const [institutionId, weight] of overrides) units.set(institutionId, BigInt(Math.round(weight * Number(WEIGHT_UNITS))));
  const excess = [...units.values()].reduce((sum, value) => sum + value, 0n) - WEIGHT_UNITS;
  if (excess > 0n && excess <= OVERRIDE_ROUNDING_UNITS) {
    const [largestId, largest] = [...units].reduce((best, entry) => (entry[1] > best[1] ? entry : best));
    units.set(largestId, largest - excess);
  }
  return units;
}

/**
 * Splits `total` units in proportion to `shares` by the largest-remainder method, so the parts sum
 * to `total` exactly. Undefined when there is something to split but nothing to split it by.
 */
function splitProportionally(total: bigint, shares: readonly bigint[]): bigint[] | undefined {
  const shareSum = shares.reduce((sum, share) => sum + share, 0n);
  if (shareSum === 0n) return total === 0n ? shares.map(() => 0n) : undefined;
  const parts = shares.map((share) => (total * share) / shareSum);
  const leftover = total - parts.reduce((sum, part) => sum + part, 0n);
  const byRemainder = shares
    .map((share, index) => ({ index, remainder: (total * share) % shareSum }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (let given = 0n; given < leftover; given += 1n) {
    const index = byRemainder[Number(given)]!.index;
    parts[index] = parts[index]! + 1n;
  }
  return parts;
}

function investmentIssues(investments: readonly InstitutionInvestment[], overrides: ReadonlyMap<string, number>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const { institutionId, investedCapitalKrw } of investments) {
    if (institutionId.length === 0) {
      issues.push({ code: 'INVALID_INSTITUTION_ID', field: 'institutionId', message: 'institution id is empty' });
    }
    if (seen.has(institutionId)) {
      issues.push({
        code: 'DUPLICATE_MEMBER',
        institutionId,
        field: 'institutionId',
        message: `institution ${institutionId} has more than one investment row`,
      });
    }
    seen.add(institutionId);
    if (investedCapitalKrw < 0n) {
      issues.push({ code: 'NEGATIVE_CAPITAL', institutionId, field: 'investedCapitalKrw', message: `invested capital of ${institutionId} is negative` });
    }
  }
  for (const [institutionId, weight] of overrides) {
    if (!seen.has(institutionId)) {
      issues.push({ code: 'UNKNOWN_MEMBER', institutionId, field: 'weight', message: `weight override for ${institutionId}, which has no investment row` });
    }
    if (!Number.isFinite(weight) || weight < 0 || weight > 1) {
      issues.push({
        code: 'WEIGHT_OUT_OF_RANGE',
        institutionId,
        field: 'weight',
        message: `weight override ${weight} for ${institutionId} is not within [0, 1]`,
      });
    }
  }
  return issues;
}
