import type { Classification } from '../classification';
import { confirmationStatus, regionScope, type ConfirmationStatus, type Hosting, type NetworkZone, type RegionScope } from '../endpoint';
import type { PolicyDocument, RuleCondition } from './policy-document';
import type { PolicyRequest } from './request';

/** The values rule conditions compare against, derived once per request. */
export interface RequestFacts {
  readonly classification: Classification;
  readonly hosting: Hosting;
  readonly regionScope: RegionScope;
  readonly networkZone: NetworkZone;
  readonly confirmation: ConfirmationStatus;
}

export function requestFacts(policy: PolicyDocument, request: PolicyRequest, now: Date): RequestFacts {
  const { endpoint } = request;
  return {
    classification: request.classification,
    hosting: endpoint.hosting,
    regionScope: regionScope(endpoint.region, policy.homeRegion),
    networkZone: endpoint.networkZone,
    confirmation: confirmationStatus(endpoint.authorityConfirmation, now),
  };
}

function allows<T>(listed: readonly T[] | undefined, value: T): boolean {
  return listed === undefined || listed.includes(value);
}

export function conditionMatches(condition: RuleCondition, facts: RequestFacts): boolean {
  return (
    allows(condition.classification, facts.classification) &&
    allows(condition.hosting, facts.hosting) &&
    allows(condition.regionScope, facts.regionScope) &&
    allows(condition.networkZone, facts.networkZone) &&
    allows(condition.confirmation, facts.confirmation)
  );
}
