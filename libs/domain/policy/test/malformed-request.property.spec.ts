import fc from 'fast-check';
import { decideRequest, DEFAULT_POLICY, evaluatePolicy, previewPolicy, type GatewayRequest } from '../src';
import { NOW } from './fixtures';

/**
 * The policy functions take requests that callers may have built from untyped JSON (the preview
 * takes an admin's sample as is): whatever the shape, the answer is a decision — a malformed
 * request is denied as `request-invalid` — never an exception.
 */
const endpointLike = fc.record(
  {
    hosting: fc.oneof(fc.constantFrom('shared-infrastructure', 'dedicated-on-premises', 'cloud-commercial'), fc.jsonValue()),
    region: fc.oneof(fc.constantFrom('KR', 'us'), fc.jsonValue()),
    networkZone: fc.oneof(fc.constantFrom('internal', 'internet'), fc.jsonValue()),
    authorityConfirmation: fc.oneof(
      fc.record({ reference: fc.jsonValue(), expiresAt: fc.oneof(fc.date(), fc.jsonValue()) }, { requiredKeys: [] }),
      fc.jsonValue(),
    ),
  },
  { requiredKeys: [] },
);
const requestLike = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      classification: fc.oneof(fc.constantFrom('public', 'internal', 'confidential', 'personal-credit'), fc.jsonValue()),
      institutionCeiling: fc.oneof(fc.constantFrom('public', 'personal-credit'), fc.jsonValue()),
      endpoint: fc.oneof(endpointLike, fc.jsonValue()),
      institutionPiiSettings: fc.oneof(
        fc.jsonValue(),
        fc.record({ rrn: fc.jsonValue(), card: fc.jsonValue(), phone: fc.record({ mode: fc.jsonValue() }) }, { requiredKeys: [] }),
      ),
    },
    { requiredKeys: [] },
  ),
);

describe('malformed requests never throw', () => {
  it.each([
    ['an empty object', {}],
    ['an array', []],
    [
      'an endpoint without a region',
      { classification: 'public', institutionCeiling: 'public', endpoint: { hosting: 'shared-infrastructure', networkZone: 'internal' } },
    ],
    ['null', null],
  ])('%s is denied as request-invalid', (_, sample) => {
    const request = sample as unknown as GatewayRequest;
    expect(evaluatePolicy(DEFAULT_POLICY, request, NOW)).toMatchObject({ decision: 'deny', ruleId: 'request-invalid' });
    const preview = previewPolicy(DEFAULT_POLICY, request, 'hello', NOW);
    expect(preview.decision).toMatchObject({ decision: 'deny', ruleId: 'request-invalid' });
    expect(preview.facts).toBeNull();
    expect(preview.trace.every((entry) => !entry.matches && !entry.decides)).toBe(true);
  });

  it('evaluatePolicy, decideRequest and previewPolicy answer a decision for any JSON', () => {
    fc.assert(
      fc.property(requestLike, fc.string(), (sample, prompt) => {
        const request = sample as unknown as GatewayRequest;
        expect(['allow', 'deny']).toContain(evaluatePolicy(DEFAULT_POLICY, request, NOW).decision);
        expect(['allow', 'deny', 'mask']).toContain(decideRequest(DEFAULT_POLICY, request, [prompt], NOW).decision.decision);
        expect(['allow', 'deny', 'mask']).toContain(previewPolicy(DEFAULT_POLICY, request, prompt, NOW).decision.decision);
      }),
      { numRuns: 500 },
    );
  });
});
