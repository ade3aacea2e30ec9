import type { ConfigIssueCode } from './config-issues';
import type { MemberQuotaConfig, PoolConfig } from './pool-config';
import { validatePoolConfig } from './validate-pool-config';

const pool: PoolConfig = { capacity: { tokensPerMinute: 100_000, requestsPerMinute: 600, concurrentRequests: 40 }, headroom: 0.1 };
const members: MemberQuotaConfig[] = [
  { institutionId: 'kb', weight: 0.5, hardCap: { tokensPerMinute: 80_000 }, lendingLimit: { concurrentRequests: 5 } },
  { institutionId: 'shinhan', weight: 0.3, borrowingLimit: { tokensPerMinute: 10_000 }, periodTokenBudget: 1e9 },
  { institutionId: 'woori', weight: 0.2 },
];

function codes(poolConfig: PoolConfig, memberConfigs: readonly MemberQuotaConfig[], known?: ReadonlySet<string>): ConfigIssueCode[] {
  return validatePoolConfig(poolConfig, memberConfigs, { knownInstitutionIds: known }).map((issue) => issue.code);
}

function withMember(index: number, change: Partial<MemberQuotaConfig>): MemberQuotaConfig[] {
  return members.map((member, position) => (position === index ? { ...member, ...change } : member));
}

describe('validatePoolConfig', () => {
  it('accepts a consistent pool', () => {
    expect(validatePoolConfig(pool, members)).toEqual([]);
  });

  it.each([-0.1, 1, 1.5, Number.NaN])('rejects headroom %p', (headroom) => {
    expect(codes({ ...pool, headroom }, members)).toEqual(['HEADROOM_OUT_OF_RANGE']);
  });

  it('rejects negative, non-finite and fractional-concurrency capacity', () => {
    expect(codes({ ...pool, capacity: { ...pool.capacity, tokensPerMinute: -1 } }, members)).toEqual(['INVALID_CAPACITY']);
    expect(codes({ ...pool, capacity: { ...pool.capacity, requestsPerMinute: Infinity } }, members)).toEqual(['INVALID_CAPACITY']);
    expect(codes({ ...pool, capacity: { ...pool.capacity, concurrentRequests: 2.5 } }, members)).toEqual(['INVALID_CAPACITY']);
  });

  it('rejects weights that do not sum to 1, and reports guarantees above capacity when they exceed it', () => {
    expect(codes(pool, withMember(2, { weight: 0.1 }))).toEqual(['WEIGHTS_DO_NOT_SUM']);
    expect(codes(pool, withMember(2, { weight: 0.4 }))).toEqual([
      'WEIGHTS_DO_NOT_SUM',
      'GUARANTEE_ABOVE_CAPACITY',
      'GUARANTEE_ABOVE_CAPACITY',
      'GUARANTEE_ABOVE_CAPACITY',
    ]);
    expect(codes(pool, [])).toEqual(['WEIGHTS_DO_NOT_SUM']);
  });

  it('rejects weights outside [0, 1]', () => {
    expect(codes(pool, withMember(2, { weight: -0.2 }))).toContain('WEIGHT_OUT_OF_RANGE');
    expect(codes(pool, withMember(2, { weight: Number.NaN }))).toContain('WEIGHT_OUT_OF_RANGE');
  });

  it('rejects negative or non-finite limits and budgets, naming field and dimension', () => {
    const issues = validatePoolConfig(pool, withMember(1, { lendingLimit: { requestsPerMinute: -5 } }));
    expect(issues).toEqual([
      expect.objectContaining({ code: 'NEGATIVE_LIMIT', institutionId: 'shinhan', field: 'lendingLimit', dimension: 'requestsPerMinute' }),
    ]);
    expect(codes(pool, withMember(1, { borrowingLimit: { tokensPerMinute: Number.NaN } }))).toEqual(['NEGATIVE_LIMIT']);
    expect(codes(pool, withMember(1, { periodTokenBudget: -1 }))).toEqual(['NEGATIVE_LIMIT']);
  });

  it('rejects a budget that is not a whole number of tokens (stored as a bigint)', () => {
    for (const periodTokenBudget of [0.5, 5e-324, 1e9 + 0.25]) {
      expect(codes(pool, withMember(1, { periodTokenBudget }))).toEqual(['INVALID_BUDGET']);
    }
  });

  it('rejects a hard cap below the guarantee', () => {
    // kb's guarantee: 0.5 × 0.9 × 100 000 = 45 000 tokens/min.
    const issues = validatePoolConfig(pool, withMember(0, { hardCap: { tokensPerMinute: 44_999 } }));
    expect(issues).toEqual([expect.objectContaining({ code: 'HARD_CAP_BELOW_GUARANTEE', institutionId: 'kb', dimension: 'tokensPerMinute' })]);
    expect(codes(pool, withMember(0, { hardCap: { tokensPerMinute: 45_000 } }))).toEqual([]);
  });

  it('rejects duplicate, empty and unknown members', () => {
    expect(codes(pool, [...members, { institutionId: 'kb', weight: 0 }])).toEqual(['DUPLICATE_MEMBER']);
    expect(codes(pool, [...members, { institutionId: '', weight: 0 }])).toEqual(['INVALID_INSTITUTION_ID']);
    expect(codes(pool, members, new Set(['kb', 'shinhan']))).toEqual(['UNKNOWN_MEMBER']);
  });
});
