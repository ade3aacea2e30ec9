import { CLASSIFICATIONS } from '../classification';
import { CONFIRMATION_STATUSES, HOSTINGS, NETWORK_ZONES, REGION_SCOPES } from '../endpoint';
import type { PolicyRule, RuleCondition } from '../rules/policy-document';

const DIMENSIONS: readonly { readonly key: keyof RuleCondition; readonly all: readonly string[] }[] = [
  { key: 'classification', all: CLASSIFICATIONS },
  { key: 'hosting', all: HOSTINGS },
  { key: 'regionScope', all: REGION_SCOPES },
  { key: 'networkZone', all: NETWORK_ZONES },
  { key: 'confirmation', all: CONFIRMATION_STATUSES },
];

/**
 * Whether every request `later` applies to is already decided by `earlier`. Conditions are
 * conjunctions of set memberships, so that holds exactly when each of `later`'s sets is a subset
 * of `earlier`'s (a missing dimension being the full set).
 */
export function shadows(earlier: RuleCondition, later: RuleCondition): boolean {
  return DIMENSIONS.every(({ key, all }) => {
    const covered: readonly string[] = earlier[key] ?? all;
    const needed: readonly string[] = later[key] ?? all;
    return needed.every((value) => covered.includes(value));
  });
}

/** For each rule that can never decide, the id of the earlier rule that always decides first. */
export function findUnreachableRules(rules: readonly PolicyRule[]): { readonly index: number; readonly shadowedBy: string }[] {
  const unreachable: { index: number; shadowedBy: string }[] = [];
  rules.forEach((rule, index) => {
    const shadowing = rules.slice(0, index).find((earlier) => shadows(earlier.when, rule.when));
    if (shadowing !== undefined) unreachable.push({ index, shadowedBy: shadowing.id });
  });
  return unreachable;
}
