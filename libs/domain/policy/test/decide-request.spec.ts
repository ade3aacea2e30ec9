import { DEFAULT_POLICY, decideRequest, type EndpointFacts, type GatewayRequest } from '../src';
import { DOMESTIC_INTERNAL_SHARED, NOW, requestFor } from './fixtures';

const PROMPT_WITH_PII = '고객 900101-1234568의 카드 4111 1111 1111 1111 한도 조회';

describe('decideRequest', () => {
  it('allows a clean prompt with the deciding rule and no findings', () => {
    expect(decideRequest(DEFAULT_POLICY, requestFor('internal', DOMESTIC_INTERNAL_SHARED), ['대출 상품 요약해 줘'], NOW)).toEqual({
      decision: { decision: 'allow', ruleId: 'allow-otherwise', reason: 'no data-handling restriction applies', policyVersion: 1, findings: [] },
    });
  });

  it('does not scan a request the policy denies', () => {
    const abroad: EndpointFacts = { hosting: 'dedicated-on-premises', region: 'US', networkZone: 'internal' };
    const result = decideRequest(DEFAULT_POLICY, requestFor('personal-credit', abroad), [PROMPT_WITH_PII], NOW);
    expect(result).toEqual({
      decision: expect.objectContaining({ decision: 'deny', ruleId: 'personal-credit-domestic-only', findings: [] }),
    });
  });

  it('masks under the policy defaults and returns the parts to forward', () => {
    const result = decideRequest(DEFAULT_POLICY, requestFor('personal-credit', DOMESTIC_INTERNAL_SHARED), [PROMPT_WITH_PII, '감사합니다'], NOW);
    expect(result).toEqual({
      decision: {
        decision: 'mask',
        ruleId: 'pii.mask',
        policyVersion: 1,
        reason: "allowed by 'allow-otherwise'; personal data masked: rrn ×1, card ×1",
        findings: [
          { detector: 'rrn', count: 1 },
          { detector: 'card', count: 1 },
        ],
      },
      maskedPromptParts: ['고객 900101-1******의 카드 **** **** **** 1111 한도 조회', '감사합니다'],
    });
  });

  it('sums findings across prompt parts', () => {
    const result = decideRequest(
      DEFAULT_POLICY,
      requestFor('internal', DOMESTIC_INTERNAL_SHARED),
      ['010-1234-5678', 'then 010-9876-5432 and 900101-1234568'],
      NOW,
    );
    expect(result.decision.findings).toEqual([
      { detector: 'phone', count: 2 },
      { detector: 'rrn', count: 1 },
    ]);
  });

  it('denies with pii.block when the institution blocks a detector that matched', () => {
    const request: GatewayRequest = { ...requestFor('internal', DOMESTIC_INTERNAL_SHARED), institutionPiiSettings: { card: { mode: 'block' } } };
    const result = decideRequest(DEFAULT_POLICY, request, [PROMPT_WITH_PII], NOW);
    expect(result).toEqual({
      decision: {
        decision: 'deny',
        ruleId: 'pii.block',
        policyVersion: 1,
        reason: 'the prompt contains personal data the institution blocks: card ×1',
        findings: [
          { detector: 'rrn', count: 1 },
          { detector: 'card', count: 1 },
        ],
      },
    });
  });

  it("cannot switch RRN masking off below the policy's minimum", () => {
    const request: GatewayRequest = {
      ...requestFor('internal', DOMESTIC_INTERNAL_SHARED),
      institutionPiiSettings: { rrn: { mode: 'off' }, card: { mode: 'off' } },
    };
    const result = decideRequest(DEFAULT_POLICY, request, [PROMPT_WITH_PII], NOW);
    expect(result.decision.findings).toEqual([{ detector: 'rrn', count: 1 }]);
    expect(result.maskedPromptParts).toEqual(['고객 900101-1******의 카드 4111 1111 1111 1111 한도 조회']);
  });

  it('never records the matched text', () => {
    const request: GatewayRequest = { ...requestFor('internal', DOMESTIC_INTERNAL_SHARED), institutionPiiSettings: { phone: { mode: 'block' } } };
    for (const prompt of [PROMPT_WITH_PII, `${PROMPT_WITH_PII} 010-1234-5678`]) {
      const serialised = JSON.stringify(decideRequest(DEFAULT_POLICY, request, [prompt], NOW).decision);
      expect(serialised).not.toMatch(/1234568|4111|5678/);
    }
  });
});
