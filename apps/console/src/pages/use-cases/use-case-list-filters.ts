// The register's filters as they live in the URL (shareable); anything unknown is dropped.
import type { RiskTier, UseCaseState } from '../../gql/graphql';

export const USE_CASE_STATES: UseCaseState[] = ['draft', 'submitted', 'changes_requested', 'approved', 'suspended', 'expired', 'rejected', 'withdrawn'];
export const RISK_TIERS: RiskTier[] = ['low', 'medium', 'high'];

export interface UseCaseFilter {
  state?: UseCaseState;
  riskTier?: RiskTier;
  institutionId?: string;
}

export function useCaseFilterFromUrl(search: URLSearchParams): UseCaseFilter {
  const filter: UseCaseFilter = {};
  const state = search.get('state');
  if (state && (USE_CASE_STATES as string[]).includes(state)) filter.state = state as UseCaseState;
  const riskTier = search.get('riskTier');
  if (riskTier && (RISK_TIERS as string[]).includes(riskTier)) filter.riskTier = riskTier as RiskTier;
  const institutionId = search.get('institutionId');
  if (institutionId && /^[0-9a-f-]{36}$/i.test(institutionId)) filter.institutionId = institutionId;
  return filter;
}
