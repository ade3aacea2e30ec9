import type { Principal } from '@ai-commons/core';
import { DEFAULT_POLICY, FLOOR_RULE_ID } from '@ai-commons/policy';
import type { AdmissionEndpoint, AdmissionRequest } from '@ai-commons/gateway-admission';
import { PolicyDeniedError, PolicyHook, type InstitutionClassificationBounds } from '../../src/gateway/policy-hook';
import type { PolicySnapshot } from '../../src/gateway/policy-store';

const snapshot: PolicySnapshot = { policy: DEFAULT_POLICY, source: 'default', piiSettings: new Map(), loadedAt: new Date(0) };
const domestic: AdmissionEndpoint = {
  tenantId: 't1',
  id: 'e1',
  name: 'm',
  upstreamModel: 'up',
  hosting: 'shared-infrastructure',
  region: 'KR',
  networkZone: 'internal',
  authorityConfirmationExpiresAt: null,
};
const RRN = '900101-1234568';

function deepFrozen<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFrozen(child);
    Object.freeze(value);
  }
  return value;
}

/** Facts as the gateway builds them, frozen all the way down: a hook that writes into them throws. */
function facts(content: string, overrides: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return deepFrozen({
    requestId: 'r1',
    caller: { tenantId: 't1', principal: { subject: 's' } as Principal, apiKey: { id: 'k1', defaultClassification: 'internal', endpointIds: null } },
    endpoint: domestic,
    operation: 'chat',
    estimatedTokens: 10,
    body: { model: 'm', messages: [{ role: 'user', content }] },
    startedAt: 0,
    ...overrides,
  } as AdmissionRequest);
}

function hookWith(bounds: InstitutionClassificationBounds | undefined = { dataClassificationCeiling: 'personal-credit', dataClassificationFloor: null }) {
  return new PolicyHook(
    () => snapshot,
    () => bounds,
    () => new Date('2026-01-01T00:00:00Z'),
  );
}

describe('PolicyHook', () => {
  it('allows a clean request with its labels for the hooks after it, and leaves the facts as they were', async () => {
    const request = facts('안녕하세요');
    const decision = await hookWith().decide(request);
    expect(decision).toEqual({ decision: 'allow', labels: { dataClassification: 'internal', policyDecision: 'allow' } });
  });

  it('masks into a copy of the body: the masked body goes upstream, the request as sent is untouched (it is frozen)', async () => {
    const request = facts(`고객 주민번호 ${RRN} 확인`);
    const decision = await hookWith().decide(request);
    if (decision.decision !== 'mask') throw new Error(`expected a mask, got ${JSON.stringify(decision)}`);
    expect(JSON.stringify(decision.body)).not.toContain(RRN);
    expect(JSON.stringify(decision.body)).toContain('900101-');
    expect((request.body['messages'] as { content: string }[])[0]!.content).toContain(RRN);
    expect(decision.labels).toEqual({ dataClassification: 'internal', policyDecision: expect.stringMatching(/^mask:.*rrn×1/) });
  });

  it('refuses a denied request with the 403 and its decision record, and writes nothing itself (the gateway audits refusals)', async () => {
    const foreign = facts('hello', {
      endpoint: { ...domestic, region: 'US' },
      dataClassificationHeader: 'personal-credit',
    });
    const decision = await hookWith().decide(foreign);
    if (decision.decision !== 'refuse') throw new Error('expected a refusal');
    expect(decision.refusal.error).toBeInstanceOf(PolicyDeniedError);
    expect(decision.refusal.error).toMatchObject({ status: 403, code: 'data_policy_denied' });
    expect(decision.refusal.record).toMatchObject({
      dataClassification: 'personal-credit',
      policyDecision: 'deny:personal-credit-domestic-only@v1',
      details: { code: 'data_policy_denied', classificationSource: 'header', decision: { ruleId: 'personal-credit-domestic-only' } },
    });
  });

  it('refuses a label below the institution floor as a policy denial, and an unknown label with 400', async () => {
    const floored = hookWith({ dataClassificationCeiling: 'personal-credit', dataClassificationFloor: 'confidential' });
    const below = await floored.decide(facts('hi', { dataClassificationHeader: 'public' }));
    expect(below).toMatchObject({
      decision: 'refuse',
      refusal: { error: { status: 403, code: 'data_policy_denied' }, record: { dataClassification: 'public', policyDecision: `deny:${FLOOR_RULE_ID}@v1` } },
    });
    const unknown = await hookWith().decide(facts('hi', { dataClassificationHeader: 'top-secret' }));
    expect(unknown).toMatchObject({
      decision: 'refuse',
      refusal: {
        error: { status: 400, code: 'unknown_data_classification' },
        record: { dataClassification: null, policyDecision: 'deny:unknown-classification' },
      },
    });
  });

  it('decides the same for the same facts every time: masking one request leaves nothing behind for the next', async () => {
    const request = facts(`${RRN}`);
    const hook = hookWith();
    expect(await hook.decide(request)).toEqual(await hook.decide(request));
  });

  it('tells its observer each decision by rule and action with the findings, never the text', async () => {
    const seen: unknown[] = [];
    const hook = new PolicyHook(
      () => snapshot,
      () => ({ dataClassificationCeiling: 'personal-credit', dataClassificationFloor: null }),
      undefined,
      (decision) => seen.push({ rule: decision.ruleId, action: decision.decision, findings: decision.findings }),
    );
    await hook.decide(facts(`고객 주민번호 ${RRN} 확인`));
    await hook.decide(facts('x', { dataClassificationHeader: 'no-such-label' }));
    expect(seen).toEqual([
      { rule: expect.any(String), action: 'mask', findings: [{ detector: 'rrn', count: 1 }] },
      { rule: 'unknown-classification', action: 'deny', findings: [] },
    ]);
    expect(JSON.stringify(seen)).not.toContain(RRN);
  });
});
