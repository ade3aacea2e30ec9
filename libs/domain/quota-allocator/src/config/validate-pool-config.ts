import { DIMENSIONS } from '../dimensions';
import type { ConfigIssue } from './config-issues';
import { guaranteeOf } from './guaranteed-shares';
import type { DimensionLimits, MemberQuotaConfig, PoolConfig } from './pool-config';

/** Weights are floats derived from exact fractions; this absorbs their rounding, nothing more. */
export const WEIGHT_SUM_TOLERANCE = 1e-9;

export interface ValidatePoolConfigOptions {
  /** Institutions that exist; a member outside this set is UNKNOWN_MEMBER. Omit to skip the check. */
  readonly knownInstitutionIds?: ReadonlySet<string>;
}

const LIMIT_FIELDS = ['lendingLimit', 'borrowingLimit', 'hardCap'] as const;

/** Every problem with a pool and its members, in a stable order; empty when the config is usable. */
export function validatePoolConfig(pool: PoolConfig, members: readonly MemberQuotaConfig[], options: ValidatePoolConfigOptions = {}): ConfigIssue[] {
  const issues = [...poolIssues(pool)];
  const seen = new Set<string>();
  for (const member of members) {
    issues.push(...memberIssues(pool, member, seen, options.knownInstitutionIds));
    seen.add(member.institutionId);
  }
  issues.push(...weightSumIssues(pool, members));
  return issues;
}

function poolIssues(pool: PoolConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!Number.isFinite(pool.headroom) || pool.headroom < 0 || pool.headroom >= 1) {
    issues.push({ code: 'HEADROOM_OUT_OF_RANGE', field: 'headroom', message: `headroom ${pool.headroom} is not within [0, 1)` });
  }
  for (const dimension of DIMENSIONS) {
    const value = pool.capacity[dimension];
    // Concurrency counts requests in flight, so only whole numbers make sense there.
    const wholeRequired = dimension === 'concurrentRequests';
    if (!Number.isFinite(value) || value < 0 || (wholeRequired && !Number.isInteger(value))) {
      issues.push({
        code: 'INVALID_CAPACITY',
        dimension,
        field: 'capacity',
        message: `capacity ${dimension} = ${value} must be a finite non-negative${wholeRequired ? ' integer' : ' number'}`,
      });
    }
  }
  return issues;
}

function memberIssues(
  pool: PoolConfig,
  member: MemberQuotaConfig,
  seen: ReadonlySet<string>,
  knownInstitutionIds: ReadonlySet<string> | undefined,
): ConfigIssue[] {
  const { institutionId, weight } = member;
  const issues: ConfigIssue[] = [];
  if (institutionId.length === 0) {
    issues.push({ code: 'INVALID_INSTITUTION_ID', field: 'institutionId', message: 'institution id is empty' });
  }
  if (seen.has(institutionId)) {
    issues.push({
      code: 'DUPLICATE_MEMBER',
      institutionId,
      field: 'institutionId',
      message: `institution ${institutionId} appears more than once in the pool`,
    });
  }
  if (knownInstitutionIds !== undefined && !knownInstitutionIds.has(institutionId)) {
    issues.push({ code: 'UNKNOWN_MEMBER', institutionId, field: 'institutionId', message: `institution ${institutionId} does not exist` });
  }
  const weightValid = Number.isFinite(weight) && weight >= 0 && weight <= 1;
  if (!weightValid) {
    issues.push({ code: 'WEIGHT_OUT_OF_RANGE', institutionId, field: 'weight', message: `weight ${weight} of ${institutionId} is not within [0, 1]` });
  }
  for (const field of LIMIT_FIELDS) issues.push(...limitIssues(institutionId, field, member[field]));
  const budget = member.periodTokenBudget;
  if (budget !== undefined && !(Number.isFinite(budget) && budget >= 0)) {
    issues.push({
      code: 'NEGATIVE_LIMIT',
      institutionId,
      field: 'periodTokenBudget',
      message: `period token budget ${budget} of ${institutionId} must be a finite non-negative number`,
    });
  } else if (budget !== undefined && !Number.isInteger(budget)) {
    // Budgets count tokens: stored as a bigint, so a fraction is refused here, not by the database.
    issues.push({
      code: 'INVALID_BUDGET',
      institutionId,
      field: 'periodTokenBudget',
      message: `period token budget ${budget} of ${institutionId} must be a whole number of tokens`,
    });
  }
  if (weightValid) issues.push(...hardCapIssues(pool, member));
  return issues;
}

function limitIssues(institutionId: string, field: string, limits: DimensionLimits | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const dimension of DIMENSIONS) {
    const value = limits?.[dimension];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      issues.push({
        code: 'NEGATIVE_LIMIT',
        institutionId,
        dimension,
        field,
        message: `${field}.${dimension} = ${value} of ${institutionId} must be a finite non-negative number`,
      });
    }
  }
  return issues;
}

function hardCapIssues(pool: PoolConfig, member: MemberQuotaConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const guaranteed = guaranteeOf(pool, member.weight);
  for (const dimension of DIMENSIONS) {
    const cap = member.hardCap?.[dimension];
    // A cap below the guarantee would promise capacity the member may never use.
    if (cap !== undefined && cap >= 0 && cap < guaranteed[dimension] * (1 - WEIGHT_SUM_TOLERANCE)) {
      issues.push({
        code: 'HARD_CAP_BELOW_GUARANTEE',
        institutionId: member.institutionId,
        dimension,
        field: 'hardCap',
        message: `hard cap ${cap} of ${member.institutionId} is below its guarantee ${guaranteed[dimension]} (${dimension})`,
      });
    }
  }
  return issues;
}

function weightSumIssues(pool: PoolConfig, members: readonly MemberQuotaConfig[]): ConfigIssue[] {
  const weightSum = members.reduce((sum, member) => sum + member.weight, 0);
  if (!Number.isFinite(weightSum) || Math.abs(weightSum - 1) <= WEIGHT_SUM_TOLERANCE) return [];
  const issues: ConfigIssue[] = [{ code: 'WEIGHTS_DO_NOT_SUM', field: 'weight', message: `member weights sum to ${weightSum}, not 1` }];
  if (weightSum > 1 && Number.isFinite(pool.headroom) && pool.headroom < 1) {
    for (const dimension of DIMENSIONS) {
      const guaranteedCapacity = (1 - pool.headroom) * pool.capacity[dimension];
      if (guaranteedCapacity > 0) {
        issues.push({
          code: 'GUARANTEE_ABOVE_CAPACITY',
          dimension,
          field: 'weight',
          message: `guarantees add up to ${weightSum * guaranteedCapacity} ${dimension}, above the ${guaranteedCapacity} the pool can guarantee`,
        });
      }
    }
  }
  return issues;
}
