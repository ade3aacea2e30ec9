import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  AUDIT_SINK,
  RequestContext,
  adminScopeFor,
  hasAnyRole,
  readScopeFor,
  type AuditSink,
  type Principal,
  type TenantScope,
} from '@ai-commons/core';
import { TenantDatabase } from '@ai-commons/database';
import { allocate, DIMENSIONS, type ConfigIssue, type DimensionLimits, type PoolCapacity } from '@ai-commons/quota-allocator';
import { QuotaError, quotaConfigError } from '../config/quota-errors';
import { loadPoolDefinitions, resolvePoolConfig, type QuotaMemberDefinition, type QuotaPoolDefinition } from '../config/quota-pool-definition';

/** Limits as an admin sends them: null or absent = unlimited in that dimension. */
export type LimitsCommand = { [K in keyof PoolCapacity]?: number | null };

export interface QuotaMemberCommand {
  institutionId: string;
  weightOverride?: number | null;
  lendingLimit?: LimitsCommand | null;
  borrowingLimit?: LimitsCommand | null;
  hardCap?: LimitsCommand | null;
  periodTokenBudget?: number | null;
}

export interface QuotaPoolCommand {
  name?: string;
  description?: string | null;
  capacity?: PoolCapacity | null;
  headroom?: number | null;
  monthlyCostKrw?: string | null;
  endpointIds?: string[] | null;
  members?: QuotaMemberCommand[] | null;
}

export interface QuotaMemberView {
  institutionId: string;
  weight: number;
  weightOverride: number | null;
  investedCapitalKrw: string | null;
  guaranteed: PoolCapacity;
  lendingLimit: DimensionLimits;
  borrowingLimit: DimensionLimits;
  hardCap: DimensionLimits;
  periodTokenBudget: number | null;
}

export interface QuotaPoolView {
  id: string;
  name: string;
  description: string;
  capacity: PoolCapacity;
  headroom: number;
  monthlyCostKrw: string;
  endpoints: { endpointId: string; institutionId: string }[];
  members: QuotaMemberView[];
  updatedAt: Date;
}

export interface QuotaStandingView {
  poolId: string;
  poolName: string;
  institutionId: string;
  weight: number;
  guaranteed: PoolCapacity;
  usedLastMinute: { tokensPerMinute: number; requestsPerMinute: number };
  borrowingNow: { tokensPerMinute: number; requestsPerMinute: number };
  periodTokenBudget: number | null;
  periodUsedTokens: number;
  periodRemainingTokens: number | null;
}

const POOL_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Budget months and report days are in KST, like the gateway's budget periods. */
const KST = 'Asia/Seoul';

/**
 * Capacity pools and per-institution quotas. Platform admins write (every change is validated as a
 * whole with the allocator's rules before anything is stored, and audited in the same
 * transaction); members read their own standing, admins and regulators everything. Weights derive
 * from invested capital, which members may not read: they are computed in the platform's system
 * scope and only the caller's visible rows (as RLS shows them in the caller's scope) are returned.
 */
@Injectable()
export class QuotaService {
  constructor(
    private readonly db: TenantDatabase,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  // ---- reads ---------------------------------------------------------------------------------

  async pools(principal: Principal, poolId?: string): Promise<QuotaPoolView[]> {
    if (poolId !== undefined && !UUID.test(poolId)) throw poolNotFound(poolId);
    const visible = await this.read(principal, 'read quota pools', async (tx) =>
      (await tx.query(`select tenant_id, pool_id from quota_pool_members`)) as { tenant_id: string; pool_id: string }[],
    );
    const crossTenant = hasAnyRole(principal, ['platform-admin', 'regulator']);
    const definitions = await this.system('quota pools for a view', (tx) => loadPoolDefinitions(tx, poolId));
    const views = definitions
      .filter((definition) => crossTenant || visible.some((row) => row.pool_id === definition.id))
      .map((definition) => {
        const view = toView(definition);
        return {
          ...view,
          endpoints: crossTenant ? view.endpoints : view.endpoints.filter((endpoint) => visible.some((row) => row.tenant_id === endpoint.institutionId)),
          members: view.members
            .filter((member) => crossTenant || visible.some((row) => row.pool_id === definition.id && row.tenant_id === member.institutionId))
            .map((member) => (crossTenant ? member : { ...member, investedCapitalKrw: null })),
        };
      });
    if (poolId && !views.length) throw poolNotFound(poolId);
    return views;
  }

  /** Guarantee, current use and borrowing (last minute, from usage records), budget left this month. */
  async standings(principal: Principal): Promise<QuotaStandingView[]> {
    const visible = await this.read(principal, 'read quota standings', async (tx) =>
      (await tx.query(`select tenant_id, pool_id from quota_pool_members`)) as { tenant_id: string; pool_id: string }[],
    );
    if (!visible.length) return [];
    return this.system('quota standings', async (tx) => {
      const definitions = await loadPoolDefinitions(tx);
      const usage = (await tx.query(
        `select pe.pool_id, u.tenant_id,
                coalesce(sum(u.prompt_tokens + u.completion_tokens) filter (where u.occurred_at > now() - interval '1 minute'), 0)::float8 as minute_tokens,
                count(*) filter (where u.occurred_at > now() - interval '1 minute' and u.outcome = 'success')::float8 as minute_requests,
                coalesce(sum(u.prompt_tokens + u.completion_tokens) filter (where u.occurred_at >= date_trunc('month', now() at time zone '${KST}') at time zone '${KST}'), 0)::float8 as month_tokens
         from usage_records u join quota_pool_endpoints pe on pe.endpoint_id = u.endpoint_id and pe.tenant_id = u.tenant_id
         where u.occurred_at >= least(now() - interval '1 minute', date_trunc('month', now() at time zone '${KST}') at time zone '${KST}')
         group by pe.pool_id, u.tenant_id`,
      )) as { pool_id: string; tenant_id: string; minute_tokens: number; minute_requests: number; month_tokens: number }[];
      const standings: QuotaStandingView[] = [];
      for (const definition of definitions) {
        const view = toView(definition);
        for (const member of view.members) {
          if (!visible.some((row) => row.pool_id === definition.id && row.tenant_id === member.institutionId)) continue;
          const used = usage.find((row) => row.pool_id === definition.id && row.tenant_id === member.institutionId);
          const minuteTokens = used?.minute_tokens ?? 0;
          const minuteRequests = used?.minute_requests ?? 0;
          const monthTokens = used?.month_tokens ?? 0;
          standings.push({
            poolId: definition.id,
            poolName: definition.name,
            institutionId: member.institutionId,
            weight: member.weight,
            guaranteed: member.guaranteed,
            usedLastMinute: { tokensPerMinute: minuteTokens, requestsPerMinute: minuteRequests },
            borrowingNow: {
              tokensPerMinute: Math.max(0, minuteTokens - member.guaranteed.tokensPerMinute),
              requestsPerMinute: Math.max(0, minuteRequests - member.guaranteed.requestsPerMinute),
            },
            periodTokenBudget: member.periodTokenBudget,
            periodUsedTokens: monthTokens,
            periodRemainingTokens: member.periodTokenBudget === null ? null : Math.max(0, member.periodTokenBudget - monthTokens),
          });
        }
      }
      return standings;
    });
  }

  /** Tokens and requests per institution, model and day (KST) from the gateway's usage records. */
  usageReport(principal: Principal, from: Date, to: Date, poolId?: string) {
    checkRange(from, to);
    return this.read(principal, 'quota usage report', async (tx) => {
      // RLS alone filters a member's rows one by one over the whole month; naming the institution
      // lets the (tenant_id, occurred_at) index find them (4× faster at 1-3 M rows, test/bench/scale).
      const scope = RequestContext.current()?.tenantScope;
      const ownTenant = scope?.kind === 'tenant' ? scope.tenantId : null;
      const rows = (await tx.query(
        `select u.tenant_id, u.model, to_char(u.occurred_at at time zone '${KST}', 'YYYY-MM-DD') as day,
                count(*)::int as requests, count(*) filter (where u.outcome = 'success')::int as successful,
                coalesce(sum(u.prompt_tokens), 0)::float8 as prompt_tokens, coalesce(sum(u.completion_tokens), 0)::float8 as completion_tokens
         from usage_records u
         where u.occurred_at >= $1 and u.occurred_at < $2 and ($4::uuid is null or u.tenant_id = $4)
           and ($3::uuid is null or exists (select 1 from quota_pool_endpoints pe where pe.pool_id = $3 and pe.endpoint_id = u.endpoint_id))
         group by 1, 2, 3 order by 3, 1, 2`,
        [from, to, poolId ?? null, ownTenant],
      )) as { tenant_id: string; model: string; day: string; requests: number; successful: number; prompt_tokens: number; completion_tokens: number }[];
      return rows.map((row) => ({
        institutionId: row.tenant_id,
        model: row.model,
        day: row.day,
        requests: row.requests,
        successfulRequests: row.successful,
        promptTokens: row.prompt_tokens,
        completionTokens: row.completion_tokens,
        totalTokens: row.prompt_tokens + row.completion_tokens,
      }));
    });
  }

  /**
   * Splits the pool's cost over [from, to) (monthly cost prorated by 30-day months) between members
   * by investment (weight) and by use (share of tokens through the pool's endpoints).
   */
  async settlement(principal: Principal, poolId: string, from: Date, to: Date) {
    checkRange(from, to);
    const [pool] = await this.pools(principal, poolId);
    const usage = await this.read(principal, `settle quota pool ${poolId}`, async (tx) =>
      (await tx.query(
        `select u.tenant_id, coalesce(sum(u.prompt_tokens + u.completion_tokens), 0)::float8 as tokens
         from usage_records u join quota_pool_endpoints pe on pe.endpoint_id = u.endpoint_id and pe.tenant_id = u.tenant_id
         where pe.pool_id = $1 and u.occurred_at >= $2 and u.occurred_at < $3 group by 1`,
        [poolId, from, to],
      )) as { tenant_id: string; tokens: number }[],
    );
    const days = (to.getTime() - from.getTime()) / 86_400_000;
    const costKrw = Number(pool!.monthlyCostKrw) * (days / 30);
    const totalTokens = usage.reduce((sum, row) => sum + row.tokens, 0);
    return {
      poolId,
      poolName: pool!.name,
      from,
      to,
      costKrw,
      totalTokens,
      members: pool!.members.map((member) => {
        const tokens = usage.find((row) => row.tenant_id === member.institutionId)?.tokens ?? 0;
        const useShare = totalTokens > 0 ? tokens / totalTokens : 0;
        return { institutionId: member.institutionId, weight: member.weight, tokens, useShare, byInvestmentKrw: costKrw * member.weight, byUseKrw: costKrw * useShare };
      }),
    };
  }

  /** What the pool would look like with `change` applied: weights, guarantees, allocation for `demands` (default: everyone saturating). */
  async preview(principal: Principal, poolId: string | undefined, change: QuotaPoolCommand, demands?: { institutionId: string; demand: PoolCapacity }[]) {
    return this.admin(principal, 'preview quota allocation', async (tx) => {
      const current = poolId ? await this.definition(tx, poolId) : emptyDefinition(change.name ?? 'preview');
      const next = await this.applyChange(tx, current, change);
      const resolved = resolvePoolConfig(next);
      if (resolved.issues.length) return { issues: resolved.issues, members: [] };
      const wanted = demands ?? resolved.members.map((member) => ({ institutionId: member.institutionId, demand: resolved.pool.capacity }));
      const demandIssues = wanted.flatMap(({ institutionId, demand }) => demandProblems(resolved.members.map((member) => member.institutionId), institutionId, demand));
      if (demandIssues.length) throw quotaConfigError(demandIssues);
      const allocation = allocate(resolved.pool, resolved.members, wanted);
      return {
        issues: [],
        members: [...allocation.entries()].map(([institutionId, member]) => ({
          institutionId,
          weight: resolved.members.find((m) => m.institutionId === institutionId)?.weight ?? 0,
          dimensions: DIMENSIONS.map((dimension) => ({ dimension, ...member[dimension] })),
        })),
      };
    });
  }

  // ---- writes (platform admins) -------------------------------------------------------------

  create(principal: Principal, command: QuotaPoolCommand): Promise<QuotaPoolView> {
    const name = command.name ?? '';
    if (!POOL_NAME.test(name)) throw new QuotaError('INVALID_POOL_NAME', 'A pool name is 1–63 lowercase letters, digits, ".", "_" or "-"', { name });
    return this.admin(principal, `create quota pool ${name}`, async (tx) => {
      const [taken] = (await tx.query(`select id from quota_pools where name = $1`, [name])) as { id: string }[];
      if (taken) throw new QuotaError('POOL_NAME_TAKEN', `A pool named ${name} exists`, { name, id: taken.id });
      if (!command.capacity) throw new QuotaError('INVALID_CAPACITY', 'A new pool needs a capacity', { field: 'capacity' });
      const next = await this.applyChange(tx, emptyDefinition(name), command);
      const [{ id }] = (await tx.query(
        `insert into quota_pools (name, capacity_tokens_per_minute, capacity_requests_per_minute, capacity_concurrent_requests, headroom) values ($1, 0, 0, 0, 0) returning id`,
        [name],
      )) as { id: string }[];
      return this.save(tx, { ...next, id }, 'quota_pool.create');
    });
  }

  update(principal: Principal, poolId: string, command: QuotaPoolCommand): Promise<QuotaPoolView> {
    if (!UUID.test(poolId)) throw poolNotFound(poolId);
    return this.admin(principal, `update quota pool ${poolId}`, async (tx) => {
      const current = await this.definition(tx, poolId, true);
      return this.save(tx, await this.applyChange(tx, current, command), 'quota_pool.update');
    });
  }

  removeMember(principal: Principal, poolId: string, institutionId: string): Promise<QuotaPoolView> {
    if (!UUID.test(poolId)) throw poolNotFound(poolId);
    return this.admin(principal, `remove quota member from ${poolId}`, async (tx) => {
      const current = await this.definition(tx, poolId, true);
      if (!current.members.some((member) => member.institutionId === institutionId)) {
        throw new QuotaError('MEMBER_NOT_FOUND', `Institution ${institutionId} is not a member of pool ${current.name}`, { poolId, institutionId });
      }
      return this.save(tx, { ...current, members: current.members.filter((member) => member.institutionId !== institutionId) }, 'quota_pool.remove_member');
    });
  }

  /** Endpoints with this name across institutions (demo seed). */
  endpointsNamed(principal: Principal, name: string): Promise<{ id: string; institutionId: string }[]> {
    return this.admin(principal, `find endpoints named ${name}`, async (tx) =>
      ((await tx.query(`select id, tenant_id from endpoints where name = $1 and state <> 'retired' order by created_at`, [name])) as { id: string; tenant_id: string }[]).map(
        (row) => ({ id: row.id, institutionId: row.tenant_id }),
      ),
    );
  }

  // ---- internals -----------------------------------------------------------------------------

  private async definition(tx: EntityManager, poolId: string, lock = false): Promise<QuotaPoolDefinition> {
    if (!UUID.test(poolId)) throw poolNotFound(poolId);
    if (lock) await tx.query(`select id from quota_pools where id = $1 for update`, [poolId]);
    const [definition] = await loadPoolDefinitions(tx, poolId);
    if (!definition) throw poolNotFound(poolId);
    return definition;
  }

  /** The prospective definition with `change` applied; validated as a whole (QuotaError with every issue). */
  private async applyChange(tx: EntityManager, current: QuotaPoolDefinition, change: QuotaPoolCommand): Promise<QuotaPoolDefinition> {
    const next: QuotaPoolDefinition = {
      ...current,
      description: change.description ?? current.description,
      capacity: change.capacity ?? current.capacity,
      headroom: change.headroom ?? current.headroom,
      monthlyCostKrw: change.monthlyCostKrw ?? current.monthlyCostKrw,
      members: [...current.members],
    };
    if (!/^\d{1,24}$/.test(next.monthlyCostKrw)) throw new QuotaError('INVALID_COST', 'monthlyCostKrw is a whole, non-negative number of won', { monthlyCostKrw: next.monthlyCostKrw });
    if (change.endpointIds) {
      const ids = [...new Set(change.endpointIds)];
      const rows = (await tx.query(
        `select e.id, e.tenant_id, pe.pool_id from endpoints e left join quota_pool_endpoints pe on pe.endpoint_id = e.id where e.id::text = any($1)`,
        [ids],
      )) as { id: string; tenant_id: string; pool_id: string | null }[];
      const unknown = ids.filter((id) => !rows.some((row) => row.id === id));
      if (unknown.length) throw new QuotaError('UNKNOWN_ENDPOINT', `No endpoint with id ${unknown.join(', ')}`, { endpointIds: unknown });
      const elsewhere = rows.filter((row) => row.pool_id && row.pool_id !== current.id);
      if (elsewhere.length) {
        throw new QuotaError('ENDPOINT_IN_OTHER_POOL', 'An endpoint draws on one pool only', { endpointIds: elsewhere.map((row) => row.id), poolIds: elsewhere.map((row) => row.pool_id) });
      }
      next.endpoints = rows.map((row) => ({ tenantId: row.tenant_id, endpointId: row.id }));
    }
    for (const member of change.members ?? []) {
      const existing = next.members.find((m) => m.institutionId === member.institutionId);
      const [institution] = UUID.test(member.institutionId)
        ? ((await tx.query(`select invested_capital_krw::text as capital from institutions where id = $1`, [member.institutionId])) as { capital: string }[])
        : [];
      if (!institution) {
        throw quotaConfigError([{ code: 'UNKNOWN_MEMBER', message: `No institution with id ${member.institutionId}`, institutionId: member.institutionId }]);
      }
      if (member.weightOverride !== undefined && member.weightOverride !== null && !(member.weightOverride >= 0 && member.weightOverride <= 1)) {
        throw quotaConfigError([{ code: 'WEIGHT_OUT_OF_RANGE', message: `Weight override ${member.weightOverride} is outside [0, 1]`, institutionId: member.institutionId, field: 'weightOverride' }]);
      }
      const merged: QuotaMemberDefinition = {
        institutionId: member.institutionId,
        investedCapitalKrw: BigInt(institution.capital),
        weightOverride: member.weightOverride === undefined ? (existing?.weightOverride ?? null) : member.weightOverride,
        lendingLimit: member.lendingLimit === undefined ? (existing?.lendingLimit ?? {}) : clean(member.lendingLimit),
        borrowingLimit: member.borrowingLimit === undefined ? (existing?.borrowingLimit ?? {}) : clean(member.borrowingLimit),
        hardCap: member.hardCap === undefined ? (existing?.hardCap ?? {}) : clean(member.hardCap),
        periodTokenBudget: member.periodTokenBudget === undefined ? (existing?.periodTokenBudget ?? null) : member.periodTokenBudget,
      };
      next.members = existing ? next.members.map((m) => (m === existing ? merged : m)) : [...next.members, merged];
    }
    const issues = resolvePoolConfig(next).issues;
    if (issues.length) throw quotaConfigError(issues);
    return next;
  }

  private async save(tx: EntityManager, definition: QuotaPoolDefinition, action: string): Promise<QuotaPoolView> {
    const { id } = definition;
    await tx.query(
      `update quota_pools set description = $2, capacity_tokens_per_minute = $3, capacity_requests_per_minute = $4, capacity_concurrent_requests = $5,
              headroom = $6, monthly_cost_krw = $7, updated_at = now() where id = $1`,
      [id, definition.description, definition.capacity.tokensPerMinute, definition.capacity.requestsPerMinute, definition.capacity.concurrentRequests, definition.headroom, definition.monthlyCostKrw],
    );
    await tx.query(`delete from quota_pool_endpoints where pool_id = $1`, [id]);
    for (const endpoint of definition.endpoints) {
      await tx.query(`insert into quota_pool_endpoints (tenant_id, endpoint_id, pool_id) values ($1, $2, $3)`, [endpoint.tenantId, endpoint.endpointId, id]);
    }
    await tx.query(`delete from quota_pool_members where pool_id = $1 and not (tenant_id = any($2))`, [id, definition.members.map((member) => member.institutionId)]);
    for (const member of definition.members) {
      await tx.query(
        `insert into quota_pool_members (tenant_id, pool_id, weight_override, lending_limit, borrowing_limit, hard_cap, period_token_budget)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (tenant_id, pool_id) do update set weight_override = excluded.weight_override, lending_limit = excluded.lending_limit,
           borrowing_limit = excluded.borrowing_limit, hard_cap = excluded.hard_cap, period_token_budget = excluded.period_token_budget, updated_at = now()`,
        [member.institutionId, id, member.weightOverride, member.lendingLimit, member.borrowingLimit, member.hardCap, member.periodTokenBudget],
      );
    }
    const [saved] = await loadPoolDefinitions(tx, id);
    const view = toView(saved!);
    await this.audit.record(
      {
        action,
        resourceType: 'quota_pool',
        resourceId: id,
        outcome: 'success',
        details: {
          name: view.name,
          capacity: view.capacity,
          headroom: view.headroom,
          endpoints: view.endpoints.length,
          members: view.members.map((member) => ({ institutionId: member.institutionId, weight: member.weight, weightOverride: member.weightOverride })),
        },
      },
      tx,
    );
    return view;
  }

  private read<T>(principal: Principal, reason: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const scope = readScopeFor(principal, RequestContext.current()?.tenantScope, reason);
    return RequestContext.withTenantScope(scope, () => this.db.transaction(work));
  }

  private admin<T>(principal: Principal, reason: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return RequestContext.withTenantScope(adminScopeFor(principal, reason), () => this.db.transaction(work));
  }

  /** Weights need every member's capital, which members may not read: derived here, filtered by the caller. */
  private system<T>(reason: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const scope: TenantScope = { kind: 'cross-tenant', access: 'system', reason };
    return RequestContext.withTenantScope(scope, () => this.db.transaction(work));
  }
}

function toView(definition: QuotaPoolDefinition): QuotaPoolView {
  const resolved = resolvePoolConfig(definition);
  const weights = new Map(resolved.members.map((member) => [member.institutionId, member.weight]));
  const guarantee = (weight: number): PoolCapacity => ({
    tokensPerMinute: weight * (1 - definition.headroom) * definition.capacity.tokensPerMinute,
    requestsPerMinute: weight * (1 - definition.headroom) * definition.capacity.requestsPerMinute,
    concurrentRequests: weight * (1 - definition.headroom) * definition.capacity.concurrentRequests,
  });
  return {
    id: definition.id,
    name: definition.name,
    description: definition.description,
    capacity: definition.capacity,
    headroom: definition.headroom,
    monthlyCostKrw: definition.monthlyCostKrw,
    updatedAt: definition.updatedAt,
    endpoints: definition.endpoints.map((endpoint) => ({ endpointId: endpoint.endpointId, institutionId: endpoint.tenantId })),
    members: definition.members.map((member) => {
      const weight = weights.get(member.institutionId) ?? 0;
      return {
        institutionId: member.institutionId,
        weight,
        weightOverride: member.weightOverride,
        investedCapitalKrw: member.investedCapitalKrw.toString(),
        guaranteed: guarantee(weight),
        lendingLimit: member.lendingLimit,
        borrowingLimit: member.borrowingLimit,
        hardCap: member.hardCap,
        periodTokenBudget: member.periodTokenBudget,
      };
    }),
  };
}

function emptyDefinition(name: string): QuotaPoolDefinition {
  return { id: '', name, description: '', capacity: { tokensPerMinute: 0, requestsPerMinute: 0, concurrentRequests: 0 }, headroom: 0.1, monthlyCostKrw: '0', endpoints: [], members: [], updatedAt: new Date() };
}

function clean(limits: LimitsCommand | null): DimensionLimits {
  return Object.fromEntries(Object.entries(limits ?? {}).filter(([, value]) => value !== null && value !== undefined)) as DimensionLimits;
}

function checkRange(from: Date, to: Date): void {
  if (!(from < to) || to.getTime() - from.getTime() > 366 * 86_400_000) {
    throw new QuotaError('INVALID_DATE_RANGE', 'from must be before to, at most 366 days apart', { from, to });
  }
}

function poolNotFound(id: string): QuotaError {
  return new QuotaError('POOL_NOT_FOUND', `No quota pool with id ${id}`, { id });
}

/** What allocate() would throw on: a demand by a non-member, or a negative or non-finite one. */
function demandProblems(memberIds: readonly string[], institutionId: string, demand: PoolCapacity): ConfigIssue[] {
  if (!memberIds.includes(institutionId)) {
    return [{ code: 'UNKNOWN_MEMBER', institutionId, field: 'demand', message: `${institutionId} is not a member of the pool` }];
  }
  return DIMENSIONS.filter((dimension) => !(Number.isFinite(demand[dimension]) && demand[dimension] >= 0)).map((dimension) => ({
    code: 'NEGATIVE_LIMIT' as const,
    institutionId,
    dimension,
    field: 'demand',
    message: `demand ${dimension} = ${demand[dimension]} of ${institutionId} must be a finite non-negative number`,
  }));
}
