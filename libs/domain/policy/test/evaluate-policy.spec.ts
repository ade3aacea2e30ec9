import { DEFAULT_POLICY, evaluatePolicy, type Classification, type EndpointFacts, type Hosting, type NetworkZone, type PolicyDocument } from '../src';
import { CURRENT_CONFIRMATION, DOMESTIC_INTERNAL_SHARED, EXPIRED_CONFIRMATION, NOW, requestFor } from './fixtures';

const ABROAD = 'personal-credit-domestic-only';
const INTERNET = 'personal-credit-internal-zone-only';
const NO_CONFIRMATION = 'cloud-commercial-requires-current-confirmation';
const ALLOWED = 'allow-otherwise';

type Confirmation = 'none' | 'current' | 'expired';
type Row = [Classification, Hosting, 'KR' | 'US', NetworkZone, Confirmation, 'allow' | 'deny', string];

// Every classification × hosting × region × zone, and for cloud endpoints every confirmation state.
// Expectations are written out from the default policy's rules, first match wins:
//   personal credit abroad → ABROAD; personal credit on the internet zone → INTERNET;
//   cloud without a current confirmation → NO_CONFIRMATION; otherwise allowed.
const MATRIX: Row[] = [
  ['public', 'shared-infrastructure', 'KR', 'internal', 'none', 'allow', ALLOWED],
  ['public', 'shared-infrastructure', 'KR', 'internet', 'none', 'allow', ALLOWED],
  ['public', 'shared-infrastructure', 'US', 'internal', 'none', 'allow', ALLOWED],
  ['public', 'shared-infrastructure', 'US', 'internet', 'none', 'allow', ALLOWED],
  ['public', 'dedicated-on-premises', 'KR', 'internal', 'none', 'allow', ALLOWED],
  ['public', 'dedicated-on-premises', 'KR', 'internet', 'none', 'allow', ALLOWED],
  ['public', 'dedicated-on-premises', 'US', 'internal', 'none', 'allow', ALLOWED],
  ['public', 'dedicated-on-premises', 'US', 'internet', 'none', 'allow', ALLOWED],
  ['public', 'cloud-commercial', 'KR', 'internal', 'none', 'deny', NO_CONFIRMATION],
  ['public', 'cloud-commercial', 'KR', 'internal', 'current', 'allow', ALLOWED],
  ['public', 'cloud-commercial', 'KR', 'internal', 'expired', 'deny', NO_CONFIRMATION],
  ['public', 'cloud-commercial', 'KR', 'internet', 'none', 'deny', NO_CONFIRMATION],
  ['public', 'cloud-commercial', 'KR', 'internet', 'current', 'allow', ALLOWED],
  ['public', 'cloud-commercial', 'KR', 'internet', 'expired', 'deny', NO_CONFIRMATION],
  ['public', 'cloud-commercial', 'US', 'internal', 'none', 'deny', NO_CONFIRMATION],
  ['public', 'cloud-commercial', 'US', 'internal', 'current', 'allow', ALLOWED],
  ['public', 'cloud-commercial', 'US', 'internal', 'expired', 'deny', NO_CONFIRMATION],
  ['public', 'cloud-commercial', 'US', 'internet', 'none', 'deny', NO_CONFIRMATION],
  ['public', 'cloud-commercial', 'US', 'internet', 'current', 'allow', ALLOWED],
  ['public', 'cloud-commercial', 'US', 'internet', 'expired', 'deny', NO_CONFIRMATION],

  ['internal', 'shared-infrastructure', 'KR', 'internal', 'none', 'allow', ALLOWED],
  ['internal', 'shared-infrastructure', 'KR', 'internet', 'none', 'allow', ALLOWED],
  ['internal', 'shared-infrastructure', 'US', 'internal', 'none', 'allow', ALLOWED],
  ['internal', 'shared-infrastructure', 'US', 'internet', 'none', 'allow', ALLOWED],
  ['internal', 'dedicated-on-premises', 'KR', 'internal', 'none', 'allow', ALLOWED],
  ['internal', 'dedicated-on-premises', 'KR', 'internet', 'none', 'allow', ALLOWED],
  ['internal', 'dedicated-on-premises', 'US', 'internal', 'none', 'allow', ALLOWED],
  ['internal', 'dedicated-on-premises', 'US', 'internet', 'none', 'allow', ALLOWED],
  ['internal', 'cloud-commercial', 'KR', 'internal', 'none', 'deny', NO_CONFIRMATION],
  ['internal', 'cloud-commercial', 'KR', 'internal', 'current', 'allow', ALLOWED],
  ['internal', 'cloud-commercial', 'KR', 'internal', 'expired', 'deny', NO_CONFIRMATION],
  ['internal', 'cloud-commercial', 'KR', 'internet', 'none', 'deny', NO_CONFIRMATION],
  ['internal', 'cloud-commercial', 'KR', 'internet', 'current', 'allow', ALLOWED],
  ['internal', 'cloud-commercial', 'KR', 'internet', 'expired', 'deny', NO_CONFIRMATION],
  ['internal', 'cloud-commercial', 'US', 'internal', 'none', 'deny', NO_CONFIRMATION],
  ['internal', 'cloud-commercial', 'US', 'internal', 'current', 'allow', ALLOWED],
  ['internal', 'cloud-commercial', 'US', 'internal', 'expired', 'deny', NO_CONFIRMATION],
  ['internal', 'cloud-commercial', 'US', 'internet', 'none', 'deny', NO_CONFIRMATION],
  ['internal', 'cloud-commercial', 'US', 'internet', 'current', 'allow', ALLOWED],
  ['internal', 'cloud-commercial', 'US', 'internet', 'expired', 'deny', NO_CONFIRMATION],

  ['confidential', 'shared-infrastructure', 'KR', 'internal', 'none', 'allow', ALLOWED],
  ['confidential', 'shared-infrastructure', 'KR', 'internet', 'none', 'allow', ALLOWED],
  ['confidential', 'shared-infrastructure', 'US', 'internal', 'none', 'allow', ALLOWED],
  ['confidential', 'shared-infrastructure', 'US', 'internet', 'none', 'allow', ALLOWED],
  ['confidential', 'dedicated-on-premises', 'KR', 'internal', 'none', 'allow', ALLOWED],
  ['confidential', 'dedicated-on-premises', 'KR', 'internet', 'none', 'allow', ALLOWED],
  ['confidential', 'dedicated-on-premises', 'US', 'internal', 'none', 'allow', ALLOWED],
  ['confidential', 'dedicated-on-premises', 'US', 'internet', 'none', 'allow', ALLOWED],
  ['confidential', 'cloud-commercial', 'KR', 'internal', 'none', 'deny', NO_CONFIRMATION],
  ['confidential', 'cloud-commercial', 'KR', 'internal', 'current', 'allow', ALLOWED],
  ['confidential', 'cloud-commercial', 'KR', 'internal', 'expired', 'deny', NO_CONFIRMATION],
  ['confidential', 'cloud-commercial', 'KR', 'internet', 'none', 'deny', NO_CONFIRMATION],
  ['confidential', 'cloud-commercial', 'KR', 'internet', 'current', 'allow', ALLOWED],
  ['confidential', 'cloud-commercial', 'KR', 'internet', 'expired', 'deny', NO_CONFIRMATION],
  ['confidential', 'cloud-commercial', 'US', 'internal', 'none', 'deny', NO_CONFIRMATION],
  ['confidential', 'cloud-commercial', 'US', 'internal', 'current', 'allow', ALLOWED],
  ['confidential', 'cloud-commercial', 'US', 'internal', 'expired', 'deny', NO_CONFIRMATION],
  ['confidential', 'cloud-commercial', 'US', 'internet', 'none', 'deny', NO_CONFIRMATION],
  ['confidential', 'cloud-commercial', 'US', 'internet', 'current', 'allow', ALLOWED],
  ['confidential', 'cloud-commercial', 'US', 'internet', 'expired', 'deny', NO_CONFIRMATION],

  ['personal-credit', 'shared-infrastructure', 'KR', 'internal', 'none', 'allow', ALLOWED],
  ['personal-credit', 'shared-infrastructure', 'KR', 'internet', 'none', 'deny', INTERNET],
  ['personal-credit', 'shared-infrastructure', 'US', 'internal', 'none', 'deny', ABROAD],
  ['personal-credit', 'shared-infrastructure', 'US', 'internet', 'none', 'deny', ABROAD],
  ['personal-credit', 'dedicated-on-premises', 'KR', 'internal', 'none', 'allow', ALLOWED],
  ['personal-credit', 'dedicated-on-premises', 'KR', 'internet', 'none', 'deny', INTERNET],
  ['personal-credit', 'dedicated-on-premises', 'US', 'internal', 'none', 'deny', ABROAD],
  ['personal-credit', 'dedicated-on-premises', 'US', 'internet', 'none', 'deny', ABROAD],
  ['personal-credit', 'cloud-commercial', 'KR', 'internal', 'none', 'deny', NO_CONFIRMATION],
  ['personal-credit', 'cloud-commercial', 'KR', 'internal', 'current', 'allow', ALLOWED],
  ['personal-credit', 'cloud-commercial', 'KR', 'internal', 'expired', 'deny', NO_CONFIRMATION],
  ['personal-credit', 'cloud-commercial', 'KR', 'internet', 'none', 'deny', INTERNET],
  ['personal-credit', 'cloud-commercial', 'KR', 'internet', 'current', 'deny', INTERNET],
  ['personal-credit', 'cloud-commercial', 'KR', 'internet', 'expired', 'deny', INTERNET],
  ['personal-credit', 'cloud-commercial', 'US', 'internal', 'none', 'deny', ABROAD],
  ['personal-credit', 'cloud-commercial', 'US', 'internal', 'current', 'deny', ABROAD],
  ['personal-credit', 'cloud-commercial', 'US', 'internal', 'expired', 'deny', ABROAD],
  ['personal-credit', 'cloud-commercial', 'US', 'internet', 'none', 'deny', ABROAD],
  ['personal-credit', 'cloud-commercial', 'US', 'internet', 'current', 'deny', ABROAD],
  ['personal-credit', 'cloud-commercial', 'US', 'internet', 'expired', 'deny', ABROAD],
];

function endpointFor(hosting: Hosting, region: string, networkZone: NetworkZone, confirmation: Confirmation): EndpointFacts {
  const authorityConfirmation = { none: undefined, current: CURRENT_CONFIRMATION, expired: EXPIRED_CONFIRMATION }[confirmation];
  return authorityConfirmation === undefined ? { hosting, region, networkZone } : { hosting, region, networkZone, authorityConfirmation };
}

describe('evaluatePolicy with the default policy', () => {
  it('covers the whole matrix once', () => {
    const keys = new Set(MATRIX.map((row) => row.slice(0, 5).join('|')));
    expect(keys.size).toBe(80);
  });

  it.each(MATRIX)('%s to %s in %s on the %s zone, confirmation %s → %s by %s', (classification, hosting, region, zone, confirmation, decision, ruleId) => {
    const record = evaluatePolicy(DEFAULT_POLICY, requestFor(classification, endpointFor(hosting, region, zone, confirmation)), NOW);
    expect(record).toEqual({
      decision,
      ruleId,
      reason: DEFAULT_POLICY.rules.find((rule) => rule.id === ruleId)?.reason,
      policyVersion: 1,
      findings: [],
    });
  });

  it('ignores a confirmation on endpoints that are not commercial cloud', () => {
    for (const hosting of ['shared-infrastructure', 'dedicated-on-premises'] as const) {
      for (const confirmation of [CURRENT_CONFIRMATION, EXPIRED_CONFIRMATION]) {
        const endpoint = { hosting, region: 'KR', networkZone: 'internal', authorityConfirmation: confirmation } as const;
        expect(evaluatePolicy(DEFAULT_POLICY, requestFor('confidential', endpoint), NOW).decision).toBe('allow');
      }
    }
  });

  it('explains a denial with the rule and its reason', () => {
    const record = evaluatePolicy(DEFAULT_POLICY, requestFor('personal-credit', endpointFor('cloud-commercial', 'JP', 'internal', 'current')), NOW);
    expect(record.ruleId).toBe(ABROAD);
    expect(record.reason).toMatch(/outside the home country/);
  });
});

describe('authority confirmation at request time', () => {
  const cloud = (authorityConfirmation: EndpointFacts['authorityConfirmation']): EndpointFacts => ({
    hosting: 'cloud-commercial',
    region: 'KR',
    networkZone: 'internal',
    authorityConfirmation,
  });

  it('is current up to, but not at, its expiry instant', () => {
    const expiresAt = new Date(NOW.getTime() + 1);
    expect(evaluatePolicy(DEFAULT_POLICY, requestFor('internal', cloud({ reference: 'FSC-1', expiresAt })), NOW).decision).toBe('allow');
    expect(evaluatePolicy(DEFAULT_POLICY, requestFor('internal', cloud({ reference: 'FSC-1', expiresAt })), expiresAt).decision).toBe('deny');
  });

  it('does not count without a reference', () => {
    const record = evaluatePolicy(DEFAULT_POLICY, requestFor('internal', cloud({ reference: '  ', expiresAt: CURRENT_CONFIRMATION.expiresAt })), NOW);
    expect(record).toMatchObject({ decision: 'deny', ruleId: NO_CONFIRMATION });
  });

  it('fails closed on an unreadable expiry', () => {
    const unreadable = { reference: 'FSC-1', expiresAt: new Date('not a date') };
    expect(evaluatePolicy(DEFAULT_POLICY, requestFor('internal', cloud(unreadable)), NOW).decision).toBe('deny');
    const stringExpiry = { reference: 'FSC-1', expiresAt: '2030-01-01T00:00:00Z' } as unknown as Date;
    expect(evaluatePolicy(DEFAULT_POLICY, requestFor('internal', cloud({ reference: 'FSC-1', expiresAt: stringExpiry })), NOW).decision).toBe('deny');
  });
});

describe('regions', () => {
  it('compares region codes case-insensitively', () => {
    const endpoint: EndpointFacts = { hosting: 'dedicated-on-premises', region: ' kr ', networkZone: 'internal' };
    expect(evaluatePolicy(DEFAULT_POLICY, requestFor('personal-credit', endpoint), NOW).decision).toBe('allow');
  });

  it('treats an empty region as foreign', () => {
    const endpoint: EndpointFacts = { hosting: 'dedicated-on-premises', region: '', networkZone: 'internal' };
    expect(evaluatePolicy(DEFAULT_POLICY, requestFor('personal-credit', endpoint), NOW).ruleId).toBe(ABROAD);
  });

  it('takes the home country from the policy', () => {
    const singapore: PolicyDocument = { ...DEFAULT_POLICY, homeRegion: 'SG' };
    const inKorea: EndpointFacts = { hosting: 'shared-infrastructure', region: 'KR', networkZone: 'internal' };
    const inSingapore: EndpointFacts = { ...inKorea, region: 'SG' };
    expect(evaluatePolicy(singapore, requestFor('personal-credit', inKorea), NOW).ruleId).toBe(ABROAD);
    expect(evaluatePolicy(singapore, requestFor('personal-credit', inSingapore), NOW).decision).toBe('allow');
  });
});

describe('institution ceiling', () => {
  // [classification, ceiling, decision]: above the ceiling is denied whatever the endpoint.
  const CEILING: [Classification, Classification, 'allow' | 'deny'][] = [
    ['public', 'public', 'allow'],
    ['internal', 'public', 'deny'],
    ['confidential', 'public', 'deny'],
    ['personal-credit', 'public', 'deny'],
    ['public', 'internal', 'allow'],
    ['internal', 'internal', 'allow'],
    ['confidential', 'internal', 'deny'],
    ['personal-credit', 'internal', 'deny'],
    ['public', 'confidential', 'allow'],
    ['internal', 'confidential', 'allow'],
    ['confidential', 'confidential', 'allow'],
    ['personal-credit', 'confidential', 'deny'],
    ['public', 'personal-credit', 'allow'],
    ['internal', 'personal-credit', 'allow'],
    ['confidential', 'personal-credit', 'allow'],
    ['personal-credit', 'personal-credit', 'allow'],
  ];

  it.each(CEILING)('%s under a %s ceiling → %s', (classification, ceiling, decision) => {
    const record = evaluatePolicy(DEFAULT_POLICY, requestFor(classification, DOMESTIC_INTERNAL_SHARED, ceiling), NOW);
    expect(record.decision).toBe(decision);
    expect(record.ruleId).toBe(decision === 'deny' ? 'classification-above-ceiling' : ALLOWED);
  });

  it('is checked before any policy rule, even one that would allow', () => {
    const permissive: PolicyDocument = {
      ...DEFAULT_POLICY,
      rules: [{ id: 'allow-all', effect: 'allow', when: {}, reason: 'everything goes' }],
    };
    const record = evaluatePolicy(permissive, requestFor('confidential', DOMESTIC_INTERNAL_SHARED, 'internal'), NOW);
    expect(record).toMatchObject({ decision: 'deny', ruleId: 'classification-above-ceiling' });
    expect(record.reason).toBe("classification 'confidential' is above the institution's ceiling 'internal'");
  });
});

describe('rule order and default', () => {
  it('falls back to the default effect when no rule applies', () => {
    const withoutCatchAll: PolicyDocument = { ...DEFAULT_POLICY, rules: DEFAULT_POLICY.rules.filter((rule) => rule.id !== ALLOWED) };
    const record = evaluatePolicy(withoutCatchAll, requestFor('public', DOMESTIC_INTERNAL_SHARED), NOW);
    expect(record).toEqual({
      decision: 'deny',
      ruleId: 'policy-default',
      reason: 'no rule applies; the policy default is deny',
      policyVersion: 1,
      findings: [],
    });
  });

  it('lets the first applicable rule decide', () => {
    const allowFirst: PolicyDocument = {
      ...DEFAULT_POLICY,
      version: 7,
      rules: [{ id: 'public-anywhere', effect: 'allow', when: { classification: ['public'] }, reason: 'public data' }, ...DEFAULT_POLICY.rules],
    };
    const cloudWithout: EndpointFacts = { hosting: 'cloud-commercial', region: 'US', networkZone: 'internet' };
    expect(evaluatePolicy(allowFirst, requestFor('public', cloudWithout), NOW)).toMatchObject({
      decision: 'allow',
      ruleId: 'public-anywhere',
      policyVersion: 7,
    });
    expect(evaluatePolicy(allowFirst, requestFor('internal', cloudWithout), NOW)).toMatchObject({ decision: 'deny', ruleId: NO_CONFIRMATION });
  });
});

describe('malformed requests from untyped callers', () => {
  it.each([
    ['an unknown classification', { classification: 'secret' }],
    ['an unknown ceiling', { institutionCeiling: undefined }],
    ['an unknown hosting', { endpoint: { ...DOMESTIC_INTERNAL_SHARED, hosting: 'mainframe' } }],
    ['an unknown zone', { endpoint: { ...DOMESTIC_INTERNAL_SHARED, networkZone: 'dmz' } }],
    ['no region', { endpoint: { ...DOMESTIC_INTERNAL_SHARED, region: undefined } }],
    ['no endpoint', { endpoint: null }],
  ])('denies %s without throwing', (_label, patch) => {
    const request = { ...requestFor('public', DOMESTIC_INTERNAL_SHARED), ...patch } as unknown as Parameters<typeof evaluatePolicy>[1];
    expect(evaluatePolicy(DEFAULT_POLICY, request, NOW)).toMatchObject({ decision: 'deny', ruleId: 'request-invalid' });
  });
});

describe('the decision record', () => {
  it('is a compact JSON value with exactly the audited fields', () => {
    const record = evaluatePolicy(DEFAULT_POLICY, requestFor('public', DOMESTIC_INTERNAL_SHARED), NOW);
    expect(Object.keys(record).sort()).toEqual(['decision', 'findings', 'policyVersion', 'reason', 'ruleId']);
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });
});
