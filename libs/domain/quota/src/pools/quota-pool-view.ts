import { guaranteeOf, type DimensionLimits, type PoolCapacity } from '@ai-commons/quota-allocator';
import { QuotaError } from '../config/quota-errors';
import { resolvePoolConfig, type QuotaPoolDefinition } from '../config/quota-pool-definition';

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

/** A stored pool as the API shows it: weights derived from capital, guarantees from the allocator's formula. */
export function toView(definition: QuotaPoolDefinition): QuotaPoolView {
  const resolved = resolvePoolConfig(definition);
  const weights = new Map(resolved.members.map((member) => [member.institutionId, member.weight]));
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
        guaranteed: guaranteeOf(resolved.pool, weight),
        lendingLimit: member.lendingLimit,
        borrowingLimit: member.borrowingLimit,
        hardCap: member.hardCap,
        periodTokenBudget: member.periodTokenBudget,
      };
    }),
  };
}

export function poolNotFound(id: string): QuotaError {
  return new QuotaError('POOL_NOT_FOUND', `No quota pool with id ${id}`, { id });
}
