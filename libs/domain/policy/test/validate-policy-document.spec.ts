import { DEFAULT_POLICY, MAX_RULES, validatePolicyDocument, type PolicyValidationCode } from '../src';

/** A mutable deep copy of the default policy as plain JSON, as the control plane would receive it. */
function draft(): Record<string, any> {
  return JSON.parse(JSON.stringify(DEFAULT_POLICY));
}

function errorsOf(json: unknown): { code: PolicyValidationCode; path: string }[] {
  const result = validatePolicyDocument(json);
  if (result.ok) throw new Error('expected the document to be rejected');
  return result.errors.map(({ code, path }) => ({ code, path }));
}

describe('validatePolicyDocument', () => {
  it('accepts the default policy and returns an equal, frozen copy', () => {
    const result = validatePolicyDocument(draft());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.policy).toEqual(DEFAULT_POLICY);
    expect(Object.isFrozen(result.policy.rules[0].when.classification)).toBe(true);
    expect(Object.isFrozen(result.policy.pii.defaults.rrn)).toBe(true);
  });

  it.each([null, [], 'policy', 42])('rejects %p as not an object', (json) => {
    expect(errorsOf(json)).toEqual([{ code: 'NOT_AN_OBJECT', path: '' }]);
  });

  it('reports every missing field at once', () => {
    expect(errorsOf({})).toEqual([
      { code: 'MISSING_FIELD', path: '/schemaVersion' },
      { code: 'MISSING_FIELD', path: '/policyId' },
      { code: 'MISSING_FIELD', path: '/version' },
      { code: 'MISSING_FIELD', path: '/homeRegion' },
      { code: 'MISSING_FIELD', path: '/rules' },
      { code: 'MISSING_FIELD', path: '/defaultEffect' },
      { code: 'MISSING_FIELD', path: '/pii' },
    ]);
  });

  it('rejects unknown fields, so a misspelt condition cannot silently match everything', () => {
    const json = draft();
    json.owner = 'someone';
    json.rules[0].when = { classifcation: ['personal-credit'], regionScope: ['foreign'] };
    json.pii.defaults.phone.keepLast = 4;
    expect(errorsOf(json)).toEqual([
      { code: 'UNKNOWN_FIELD', path: '/owner' },
      { code: 'UNKNOWN_FIELD', path: '/rules/0/when/classifcation' },
      { code: 'UNKNOWN_FIELD', path: '/pii/defaults/phone/keepLast' },
    ]);
  });

  it('escapes odd field names in paths', () => {
    const json = draft();
    json['a/b~c'] = true;
    expect(errorsOf(json)).toEqual([{ code: 'UNKNOWN_FIELD', path: '/a~1b~0c' }]);
  });

  it.each<[string, (json: Record<string, any>) => void, PolicyValidationCode, string]>([
    [
      'schema version 2',
      (json) => {
        json.schemaVersion = 2;
      },
      'UNSUPPORTED_SCHEMA_VERSION',
      '/schemaVersion',
    ],
    [
      'an upper-case policy id',
      (json) => {
        json.policyId = 'Data Handling';
      },
      'INVALID_POLICY_ID',
      '/policyId',
    ],
    [
      'version 0',
      (json) => {
        json.version = 0;
      },
      'INVALID_VERSION',
      '/version',
    ],
    [
      'a fractional version',
      (json) => {
        json.version = 1.5;
      },
      'INVALID_VERSION',
      '/version',
    ],
    [
      'a version as text',
      (json) => {
        json.version = '2';
      },
      'INVALID_VERSION',
      '/version',
    ],
    [
      'a lower-case region',
      (json) => {
        json.homeRegion = 'kr';
      },
      'INVALID_REGION',
      '/homeRegion',
    ],
    [
      'a three-letter region',
      (json) => {
        json.homeRegion = 'KOR';
      },
      'INVALID_REGION',
      '/homeRegion',
    ],
    [
      'a blank description',
      (json) => {
        json.description = ' ';
      },
      'EMPTY_TEXT',
      '/description',
    ],
    [
      'an unknown default effect',
      (json) => {
        json.defaultEffect = 'mask';
      },
      'INVALID_ENUM_VALUE',
      '/defaultEffect',
    ],
    [
      'rules that are not a list',
      (json) => {
        json.rules = {};
      },
      'WRONG_TYPE',
      '/rules',
    ],
    [
      'a rule that is not an object',
      (json) => {
        json.rules[1] = 'deny';
      },
      'NOT_AN_OBJECT',
      '/rules/1',
    ],
    [
      'a rule without a reason',
      (json) => {
        delete json.rules[1].reason;
      },
      'MISSING_FIELD',
      '/rules/1/reason',
    ],
    [
      'an unknown hosting',
      (json) => {
        json.rules[2].when.hosting = ['aws'];
      },
      'INVALID_ENUM_VALUE',
      '/rules/2/when/hosting/0',
    ],
    [
      'a condition value of the wrong type',
      (json) => {
        json.rules[2].when.hosting = [1];
      },
      'WRONG_TYPE',
      '/rules/2/when/hosting/0',
    ],
    [
      'a condition that is not a list',
      (json) => {
        json.rules[2].when.hosting = 'cloud-commercial';
      },
      'WRONG_TYPE',
      '/rules/2/when/hosting',
    ],
    [
      'an empty condition list',
      (json) => {
        json.rules[0].when.regionScope = [];
      },
      'EMPTY_LIST',
      '/rules/0/when/regionScope',
    ],
    [
      'a value listed twice',
      (json) => {
        json.rules[2].when.confirmation = ['none', 'none'];
      },
      'DUPLICATE_VALUE',
      '/rules/2/when/confirmation/1',
    ],
    [
      'a rule id with spaces',
      (json) => {
        json.rules[0].id = 'no credit abroad';
      },
      'INVALID_RULE_ID',
      '/rules/0/id',
    ],
    [
      'the ceiling rule id',
      (json) => {
        json.rules[0].id = 'classification-above-ceiling';
      },
      'RESERVED_RULE_ID',
      '/rules/0/id',
    ],
    [
      'a pii.* rule id',
      (json) => {
        json.rules[0].id = 'pii.custom';
      },
      'RESERVED_RULE_ID',
      '/rules/0/id',
    ],
    [
      'a duplicate rule id',
      (json) => {
        json.rules[1].id = json.rules[0].id;
      },
      'DUPLICATE_RULE_ID',
      '/rules/1/id',
    ],
    [
      'an unknown effect',
      (json) => {
        json.rules[0].effect = 'warn';
      },
      'INVALID_ENUM_VALUE',
      '/rules/0/effect',
    ],
    [
      'an empty reason',
      (json) => {
        json.rules[0].reason = '';
      },
      'EMPTY_TEXT',
      '/rules/0/reason',
    ],
    [
      'an overlong reason',
      (json) => {
        json.rules[0].reason = 'x'.repeat(301);
      },
      'TEXT_TOO_LONG',
      '/rules/0/reason',
    ],
    [
      'a missing detector default',
      (json) => {
        delete json.pii.defaults.card;
      },
      'MISSING_FIELD',
      '/pii/defaults/card',
    ],
    [
      'a missing detector option',
      (json) => {
        delete json.pii.defaults.rrn.validateChecksum;
      },
      'MISSING_FIELD',
      '/pii/defaults/rrn/validateChecksum',
    ],
    [
      'an unknown mode',
      (json) => {
        json.pii.defaults.phone.mode = 'redact';
      },
      'INVALID_ENUM_VALUE',
      '/pii/defaults/phone/mode',
    ],
    [
      'an option that is not a boolean',
      (json) => {
        json.pii.defaults.card.requireKnownIin = 'yes';
      },
      'WRONG_TYPE',
      '/pii/defaults/card/requireKnownIin',
    ],
    [
      'an unknown minimum mode',
      (json) => {
        json.pii.minimumModes.card = 'always';
      },
      'INVALID_ENUM_VALUE',
      '/pii/minimumModes/card',
    ],
    [
      'a default weaker than its minimum',
      (json) => {
        json.pii.defaults.rrn.mode = 'off';
      },
      'DEFAULT_BELOW_MINIMUM',
      '/pii/defaults/rrn/mode',
    ],
  ])('rejects %s', (_label, change, code, path) => {
    const json = draft();
    change(json);
    expect(errorsOf(json)).toEqual([{ code, path }]);
  });

  it(`rejects more than ${MAX_RULES} rules`, () => {
    const json = draft();
    json.rules = Array.from({ length: MAX_RULES + 1 }, (_, index) => ({
      id: `rule-${index}`,
      effect: 'deny',
      when: { classification: ['public'] },
      reason: 'r',
    }));
    expect(errorsOf(json)).toEqual([{ code: 'TOO_MANY_RULES', path: '/rules' }]);
  });

  describe('unreachable rules', () => {
    it('rejects a rule after a catch-all', () => {
      const json = draft();
      json.rules.push({ id: 'too-late', effect: 'deny', when: { hosting: ['cloud-commercial'] }, reason: 'never applies' });
      const result = validatePolicyDocument(json);
      expect(result.ok ? [] : result.errors).toEqual([
        {
          code: 'UNREACHABLE_RULE',
          path: '/rules/4',
          message: "every request this rule applies to is decided earlier by 'allow-otherwise'",
        },
      ]);
    });

    it('rejects a narrower rule after a broader one', () => {
      const json = draft();
      json.rules.splice(1, 0, {
        id: 'no-credit-to-us',
        effect: 'deny',
        when: { classification: ['personal-credit'], regionScope: ['foreign'], hosting: ['cloud-commercial'] },
        reason: 'redundant',
      });
      expect(errorsOf(json)).toEqual([{ code: 'UNREACHABLE_RULE', path: '/rules/1' }]);
    });

    it('treats a list of every value like a missing dimension', () => {
      const json = draft();
      json.rules.splice(3, 0, {
        id: 'all-zones',
        effect: 'allow',
        when: { networkZone: ['internet', 'internal'], regionScope: ['foreign', 'domestic'] },
        reason: 'all',
      });
      expect(errorsOf(json)).toEqual([{ code: 'UNREACHABLE_RULE', path: '/rules/4' }]);
    });

    it('accepts a broader rule after a narrower one', () => {
      const json = draft();
      json.rules.splice(3, 0, {
        id: 'public-on-cloud',
        effect: 'allow',
        when: { classification: ['public'], hosting: ['cloud-commercial'] },
        reason: 'public data',
      });
      expect(validatePolicyDocument(json).ok).toBe(true);
    });
  });

  it('reports problems in several places together', () => {
    const json = draft();
    json.version = -1;
    json.rules[0].effect = 'maybe';
    json.pii.minimumModes = { rrn: 'mask' };
    expect(errorsOf(json)).toEqual([
      { code: 'INVALID_VERSION', path: '/version' },
      { code: 'INVALID_ENUM_VALUE', path: '/rules/0/effect' },
      { code: 'MISSING_FIELD', path: '/pii/minimumModes/card' },
      { code: 'MISSING_FIELD', path: '/pii/minimumModes/bankAccount' },
      { code: 'MISSING_FIELD', path: '/pii/minimumModes/phone' },
    ]);
  });

  it('keeps only known fields in the returned copy and accepts an optional description', () => {
    const json = draft();
    delete json.description;
    const result = validatePolicyDocument(json);
    expect(result.ok && Object.keys(result.policy)).toEqual(['schemaVersion', 'policyId', 'version', 'homeRegion', 'rules', 'defaultEffect', 'pii']);
  });
});
