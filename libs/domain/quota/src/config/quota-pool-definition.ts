import {
  buildAdmissionPolicy,
  deriveWeights,
  DIMENSIONS,
  isQuotaConfigError,
  validatePoolConfig,
  type AdmissionOptions,
  type AdmissionPolicy,
  type ConfigIssue,
  type Dimension,
  type DimensionLimits,
  type MemberQuotaConfig,
  type PoolConfig,
} from '@ai-commons/quota-allocator';

/** A pool as stored, with every member's capital: what weights and the admission policy derive from. */
export interface QuotaPoolDefinition {
  id: string;
  name: string;
  description: string;
  capacity: { tokensPerMinute: number; requestsPerMinute: number; concurrentRequests: number };
  headroom: number;
  monthlyCostKrw: string;
  endpoints: { tenantId: string; endpointId: string }[];
  members: QuotaMemberDefinition[];
  updatedAt: Date;
}

export interface QuotaMemberDefinition {
  institutionId: string;
  investedCapitalKrw: bigint;
  weightOverride: number | null;
  lendingLimit: DimensionLimits;
  borrowingLimit: DimensionLimits;
  hardCap: DimensionLimits;
  periodTokenBudget: number | null;
}

/** The derived configuration: weights (from capital unless overridden) and the allocator's inputs. */
export interface ResolvedPoolConfig {
  pool: PoolConfig;
  members: MemberQuotaConfig[];
  issues: ConfigIssue[];
}

interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Loads pools (all the scope can see), their endpoints and members with capital. Capital is only
 * visible to cross-tenant scopes (read/admin/system); use this in those.
 */
export async function loadPoolDefinitions(tx: SqlRunner, poolId?: string): Promise<QuotaPoolDefinition[]> {
  const filter = poolId ? 'where p.id = $1' : '';
  const params = poolId ? [poolId] : [];
  const pools = (await tx.query(
    `select p.id, p.name, p.description, p.capacity_tokens_per_minute::float8 as tpm, p.capacity_requests_per_minute::float8 as rpm,
            p.capacity_concurrent_requests as conc, p.headroom::float8 as headroom, p.monthly_cost_krw::text as cost, p.updated_at
     from quota_pools p ${filter} order by p.name`,
    params,
  )) as { id: string; name: string; description: string; tpm: number; rpm: number; conc: number; headroom: number; cost: string; updated_at: Date }[];
  if (!pools.length) return [];
  const ids = pools.map((pool) => pool.id);
  const endpoints = (await tx.query(
    `select pool_id, tenant_id, endpoint_id from quota_pool_endpoints where pool_id = any($1) order by created_at, endpoint_id`,
    [ids],
  )) as { pool_id: string; tenant_id: string; endpoint_id: string }[];
  const members = (await tx.query(
    `select m.pool_id, m.tenant_id, i.invested_capital_krw::text as capital, m.weight_override::float8 as weight_override,
            m.lending_limit, m.borrowing_limit, m.hard_cap, m.period_token_budget::float8 as budget
     from quota_pool_members m join institutions i on i.id = m.tenant_id
     where m.pool_id = any($1) order by m.created_at, m.tenant_id`,
    [ids],
  )) as {
    pool_id: string;
    tenant_id: string;
    capital: string;
    weight_override: number | null;
    lending_limit: DimensionLimits;
    borrowing_limit: DimensionLimits;
    hard_cap: DimensionLimits;
    budget: number | null;
  }[];
  return pools.map((pool) => ({
    id: pool.id,
    name: pool.name,
    description: pool.description,
    capacity: { tokensPerMinute: pool.tpm, requestsPerMinute: pool.rpm, concurrentRequests: pool.conc },
    headroom: pool.headroom,
    monthlyCostKrw: pool.cost,
    updatedAt: pool.updated_at,
    endpoints: endpoints.filter((row) => row.pool_id === pool.id).map((row) => ({ tenantId: row.tenant_id, endpointId: row.endpoint_id })),
    members: members
      .filter((row) => row.pool_id === pool.id)
      .map((row) => ({
        institutionId: row.tenant_id,
        investedCapitalKrw: BigInt(row.capital),
        weightOverride: row.weight_override,
        lendingLimit: row.lending_limit,
        borrowingLimit: row.borrowing_limit,
        hardCap: row.hard_cap,
        periodTokenBudget: row.budget,
      })),
  }));
}

/** Weights from capital (overrides fixed), then the allocator's validation; never throws. */
export function resolvePoolConfig(definition: Pick<QuotaPoolDefinition, 'capacity' | 'headroom' | 'members'>): ResolvedPoolConfig {
  const pool: PoolConfig = { capacity: definition.capacity, headroom: definition.headroom };
  let weights: Map<string, number>;
  try {
    const overrides = new Map(
      definition.members.filter((member) => member.weightOverride !== null).map((member) => [member.institutionId, member.weightOverride!]),
    );
    weights = definition.members.length
      ? deriveWeights(
          definition.members.map((member) => ({ institutionId: member.institutionId, investedCapitalKrw: member.investedCapitalKrw })),
          overrides,
        )
      : new Map();
  } catch (error) {
    if (isQuotaConfigError(error)) return { pool, members: [], issues: [...error.issues] };
    throw error;
  }
  const members: MemberQuotaConfig[] = definition.members.map((member) => ({
    institutionId: member.institutionId,
    weight: weights.get(member.institutionId) ?? 0,
    lendingLimit: member.lendingLimit,
    borrowingLimit: member.borrowingLimit,
    hardCap: member.hardCap,
    ...(member.periodTokenBudget !== null ? { periodTokenBudget: member.periodTokenBudget } : {}),
  }));
  return { pool, members, issues: [...validatePoolConfig(pool, members), ...storageIssues(pool)] };
}

/** The columns' bounds: capacities are whole numbers (bigint; concurrency an integer). */
const MAX_STORED_CAPACITY: Record<Dimension, number> = {
  tokensPerMinute: Number.MAX_SAFE_INTEGER,
  requestsPerMinute: Number.MAX_SAFE_INTEGER,
  concurrentRequests: 2_147_483_647,
};

function storageIssues(pool: PoolConfig): ConfigIssue[] {
  return DIMENSIONS.filter((dimension) => {
    const value = pool.capacity[dimension];
    // Negative and non-finite values are validatePoolConfig's to report.
    return Number.isFinite(value) && value >= 0 && (!Number.isInteger(value) || value > MAX_STORED_CAPACITY[dimension]);
  }).map((dimension) => ({
    code: 'INVALID_CAPACITY',
    dimension,
    field: 'capacity',
    message: `capacity ${dimension} = ${pool.capacity[dimension]} must be a whole number up to ${MAX_STORED_CAPACITY[dimension]}`,
  }));
}

/** The gateway's admission policy for a pool, or the issues that keep it from being enforced. */
export function admissionPolicyFor(
  definition: QuotaPoolDefinition,
  options: AdmissionOptions = {},
): { policy: AdmissionPolicy; issues: [] } | { policy: undefined; issues: ConfigIssue[] } {
  const resolved = resolvePoolConfig(definition);
  if (resolved.issues.length) return { policy: undefined, issues: resolved.issues };
  return { policy: buildAdmissionPolicy(resolved.pool, resolved.members, options), issues: [] };
}
