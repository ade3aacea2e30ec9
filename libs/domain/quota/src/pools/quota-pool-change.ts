import type { EntityManager } from 'typeorm';
import { isUuid } from '@ai-commons/core';
import type { DimensionLimits, PoolCapacity } from '@ai-commons/quota-allocator';
import { QuotaError, quotaConfigError } from '../config/quota-errors';
import { loadPoolDefinitions, resolvePoolConfig, type QuotaMemberDefinition, type QuotaPoolDefinition } from '../config/quota-pool-definition';
import { poolNotFound } from './quota-pool-view';

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

/** The stored pool, optionally locked for a change; POOL_NOT_FOUND for a malformed or unknown id. */
export async function loadDefinition(tx: EntityManager, poolId: string, lock = false): Promise<QuotaPoolDefinition> {
  if (!isUuid(poolId)) throw poolNotFound(poolId);
  if (lock) await tx.query(`select id from quota_pools where id = $1 for update`, [poolId]);
  const [definition] = await loadPoolDefinitions(tx, poolId);
  if (!definition) throw poolNotFound(poolId);
  return definition;
}

export function emptyDefinition(name: string): QuotaPoolDefinition {
  return {
    id: '',
    name,
    description: '',
    capacity: { tokensPerMinute: 0, requestsPerMinute: 0, concurrentRequests: 0 },
    headroom: 0.1,
    monthlyCostKrw: '0',
    endpoints: [],
    members: [],
    updatedAt: new Date(),
  };
}

/** The prospective definition with `change` applied; validated as a whole (QuotaError with every issue). */
export async function applyChange(tx: EntityManager, current: QuotaPoolDefinition, change: QuotaPoolCommand): Promise<QuotaPoolDefinition> {
  const next: QuotaPoolDefinition = {
    ...current,
    description: change.description ?? current.description,
    capacity: change.capacity ?? current.capacity,
    headroom: change.headroom ?? current.headroom,
    monthlyCostKrw: change.monthlyCostKrw ?? current.monthlyCostKrw,
    members: [...current.members],
  };
  if (!/^\d{1,24}$/.test(next.monthlyCostKrw))
    throw new QuotaError('INVALID_COST', 'monthlyCostKrw is a whole, non-negative number of won', { monthlyCostKrw: next.monthlyCostKrw });
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
      throw new QuotaError('ENDPOINT_IN_OTHER_POOL', 'An endpoint draws on one pool only', {
        endpointIds: elsewhere.map((row) => row.id),
        poolIds: elsewhere.map((row) => row.pool_id),
      });
    }
    next.endpoints = rows.map((row) => ({ tenantId: row.tenant_id, endpointId: row.id }));
  }
  for (const member of change.members ?? []) {
    const existing = next.members.find((m) => m.institutionId === member.institutionId);
    const [institution] = isUuid(member.institutionId)
      ? ((await tx.query(`select invested_capital_krw::text as capital from institutions where id = $1`, [member.institutionId])) as { capital: string }[])
      : [];
    if (!institution) {
      throw quotaConfigError([{ code: 'UNKNOWN_MEMBER', message: `No institution with id ${member.institutionId}`, institutionId: member.institutionId }]);
    }
    if (member.weightOverride !== undefined && member.weightOverride !== null && !(member.weightOverride >= 0 && member.weightOverride <= 1)) {
      throw quotaConfigError([
        {
          code: 'WEIGHT_OUT_OF_RANGE',
          message: `Weight override ${member.weightOverride} is outside [0, 1]`,
          institutionId: member.institutionId,
          field: 'weightOverride',
        },
      ]);
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

function clean(limits: LimitsCommand | null): DimensionLimits {
  return Object.fromEntries(Object.entries(limits ?? {}).filter(([, value]) => value !== null && value !== undefined)) as DimensionLimits;
}
