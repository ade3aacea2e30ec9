import { DEFAULT_POLICY, previewPolicy, type EndpointFacts } from '../src';
import { EXPIRED_CONFIRMATION, NOW, requestFor } from './fixtures';

describe('previewPolicy', () => {
  const expiredCloud: EndpointFacts = { hosting: 'cloud-commercial', region: 'KR', networkZone: 'internet', authorityConfirmation: EXPIRED_CONFIRMATION };

  it('shows the derived facts, which rules match and which one decided', () => {
    const preview = previewPolicy(DEFAULT_POLICY, requestFor('personal-credit', expiredCloud), '연락처 010-1234-5678', NOW);
    expect(preview.decision).toMatchObject({ decision: 'deny', ruleId: 'personal-credit-internal-zone-only' });
    expect(preview.facts).toEqual({
      classification: 'personal-credit',
      hosting: 'cloud-commercial',
      regionScope: 'domestic',
      networkZone: 'internet',
      confirmation: 'expired',
      aboveCeiling: false,
    });
    expect(preview.trace).toEqual([
      { ruleId: 'personal-credit-domestic-only', effect: 'deny', matches: false, decides: false },
      { ruleId: 'personal-credit-internal-zone-only', effect: 'deny', matches: true, decides: true },
      { ruleId: 'cloud-commercial-requires-current-confirmation', effect: 'deny', matches: true, decides: false },
      { ruleId: 'allow-otherwise', effect: 'allow', matches: true, decides: false },
    ]);
  });

  it('scans the sample prompt even when the policy denies, without changing the decision', () => {
    const preview = previewPolicy(DEFAULT_POLICY, requestFor('personal-credit', expiredCloud), '연락처 010-1234-5678', NOW);
    expect(preview.decision.findings).toEqual([]);
    expect(preview.promptScan).toEqual({ findings: [{ detector: 'phone', count: 1 }], blocked: false, maskedText: '연락처 010-****-5678' });
  });

  it('marks no rule as deciding when the ceiling decided', () => {
    const onPremises: EndpointFacts = { hosting: 'dedicated-on-premises', region: 'KR', networkZone: 'internal' };
    const preview = previewPolicy(DEFAULT_POLICY, requestFor('confidential', onPremises, 'internal'), 'hello', NOW);
    expect(preview.decision.ruleId).toBe('classification-above-ceiling');
    expect(preview.facts?.aboveCeiling).toBe(true);
    expect(preview.trace.some((entry) => entry.decides)).toBe(false);
  });

  it('reports the effective PII settings and a masking decision', () => {
    const onPremises: EndpointFacts = { hosting: 'dedicated-on-premises', region: 'KR', networkZone: 'internal' };
    const request = { ...requestFor('internal', onPremises), institutionPiiSettings: { phone: { mode: 'off' as const } } };
    const preview = previewPolicy(DEFAULT_POLICY, request, '주민번호 900101-1234568, 연락처 010-1234-5678', NOW);
    expect(preview.piiSettings.phone.mode).toBe('off');
    expect(preview.decision).toMatchObject({ decision: 'mask', ruleId: 'pii.mask', findings: [{ detector: 'rrn', count: 1 }] });
    expect(preview.trace.find((entry) => entry.decides)?.ruleId).toBe('allow-otherwise');
    expect(preview.promptScan.maskedText).toBe('주민번호 900101-1******, 연락처 010-1234-5678');
  });
});
