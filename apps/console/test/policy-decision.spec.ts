import { parsePolicyDecision } from '../src/pages/playground/policy-decision';

describe("the gateway's compact policy decision", () => {
  it('reads a masking decision with its findings', () => {
    expect(parsePolicyDecision('mask:allow-otherwise@v1 rrn×1,card×2')).toEqual({
      decision: 'mask',
      ruleId: 'allow-otherwise',
      policyVersion: 1,
      findings: [
        { detector: 'rrn', count: 1 },
        { detector: 'card', count: 2 },
      ],
    });
  });

  it('reads allow, refusals and nothing', () => {
    expect(parsePolicyDecision('allow')).toEqual({ decision: 'allow', ruleId: null, policyVersion: null, findings: [] });
    expect(parsePolicyDecision('deny:use_case_not_approved')).toMatchObject({ decision: 'deny', ruleId: 'use_case_not_approved', findings: [] });
    expect(parsePolicyDecision(null)).toBeNull();
    expect(parsePolicyDecision('odd!value x')).toMatchObject({ decision: 'odd!value x', ruleId: null, findings: [] });
  });
});
