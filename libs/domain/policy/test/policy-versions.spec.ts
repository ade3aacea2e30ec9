import fc from 'fast-check';
import {
  CLASSIFICATIONS,
  CONFIRMATION_STATUSES,
  DEFAULT_POLICY,
  HOSTINGS,
  NETWORK_ZONES,
  REGION_SCOPES,
  validateInstitutionPiiSettings,
  validatePolicySuccession,
  type RequestFacts,
  type RuleCondition,
} from '../src';
import { conditionMatches } from '../src/rules/request-facts';
import { shadows } from '../src/validation/rule-shadowing';

describe('validatePolicySuccession', () => {
  it('starts a policy at version 1', () => {
    expect(validatePolicySuccession(undefined, DEFAULT_POLICY)).toEqual([]);
    expect(validatePolicySuccession(undefined, { ...DEFAULT_POLICY, version: 3 }).map((error) => error.code)).toEqual(['VERSION_NOT_NEXT']);
  });

  it('accepts exactly the next version of the same policy', () => {
    expect(validatePolicySuccession(DEFAULT_POLICY, { ...DEFAULT_POLICY, version: 2 })).toEqual([]);
  });

  it('rejects a repeated, skipped or older version and a changed policy id', () => {
    for (const version of [1, 3, 0]) {
      expect(validatePolicySuccession(DEFAULT_POLICY, { ...DEFAULT_POLICY, version })).toEqual([
        { code: 'VERSION_NOT_NEXT', path: '/version', message: 'expected version 2' },
      ]);
    }
    expect(validatePolicySuccession(DEFAULT_POLICY, { ...DEFAULT_POLICY, policyId: 'other', version: 2 }).map((error) => error.code)).toEqual([
      'POLICY_ID_CHANGED',
    ]);
  });
});

describe('validateInstitutionPiiSettings', () => {
  it('accepts any subset of detectors and options', () => {
    expect(validateInstitutionPiiSettings({})).toEqual({ ok: true, settings: {} });
    expect(validateInstitutionPiiSettings({ card: { mode: 'block' }, rrn: { validateChecksum: false } })).toEqual({
      ok: true,
      settings: { card: { mode: 'block' }, rrn: { validateChecksum: false } },
    });
  });

  it('rejects unknown detectors, options and modes', () => {
    const result = validateInstitutionPiiSettings({ email: { mode: 'mask' }, phone: { mode: 'hide', validateChecksum: true } });
    expect(result.ok ? [] : result.errors.map(({ code, path }) => ({ code, path }))).toEqual([
      { code: 'UNKNOWN_FIELD', path: '/email' },
      { code: 'UNKNOWN_FIELD', path: '/phone/validateChecksum' },
      { code: 'INVALID_ENUM_VALUE', path: '/phone/mode' },
    ]);
  });
});

describe('rule shadowing', () => {
  const subsetOf = <T extends string>(values: readonly T[]) => fc.option(fc.subarray([...values], { minLength: 1 }), { nil: undefined });
  const condition: fc.Arbitrary<RuleCondition> = fc.record(
    {
      classification: subsetOf(CLASSIFICATIONS),
      hosting: subsetOf(HOSTINGS),
      regionScope: subsetOf(REGION_SCOPES),
      networkZone: subsetOf(NETWORK_ZONES),
      confirmation: subsetOf(CONFIRMATION_STATUSES),
    },
    { requiredKeys: [] },
  );
  const allFacts: RequestFacts[] = CLASSIFICATIONS.flatMap((classification) =>
    HOSTINGS.flatMap((hosting) =>
      REGION_SCOPES.flatMap((regionScope) =>
        NETWORK_ZONES.flatMap((networkZone) =>
          CONFIRMATION_STATUSES.map((confirmation) => ({ classification, hosting, regionScope, networkZone, confirmation })),
        ),
      ),
    ),
  );

  it('says a later rule is shadowed exactly when every request it matches is matched by the earlier rule', () => {
    fc.assert(
      fc.property(condition, condition, (earlier, later) => {
        const coveredByEarlier = allFacts.every((facts) => !conditionMatches(later, facts) || conditionMatches(earlier, facts));
        expect(shadows(earlier, later)).toBe(coveredByEarlier);
      }),
      { numRuns: 300 },
    );
  });
});
