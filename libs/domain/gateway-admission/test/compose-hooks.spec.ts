import type { Principal } from '@ai-commons/core';
import {
  ALLOW,
  GatewayError,
  NOTHING_DECIDED,
  composeHooks,
  type Admission,
  type AdmissionDecision,
  type AdmissionRequest,
  type AdmissionSoFar,
  type CallResult,
  type RequestHooks,
} from '../src';

const request: AdmissionRequest = Object.freeze<AdmissionRequest>({
  requestId: 'r1',
  caller: { tenantId: 't1', principal: { subject: 's' } as Principal },
  endpoint: {
    tenantId: 't1',
    id: 'e1',
    name: 'm',
    upstreamModel: 'up',
    hosting: 'shared-infrastructure',
    region: 'KR',
    networkZone: 'internal',
    authorityConfirmationExpiresAt: null,
  },
  operation: 'chat',
  estimatedTokens: 10,
  body: Object.freeze({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
  startedAt: performance.now(),
});

/** A hook that records what it saw and answers with a fixed decision. */
function hook(decision: AdmissionDecision, seen: AdmissionSoFar[] = []): RequestHooks {
  return { decide: async (_request, soFar) => (seen.push(soFar), decision) };
}

function owing(completed: CallResult[], extra: Partial<Admission> = {}): Admission {
  return { complete: (result) => completed.push(result), ...extra };
}

const refusal = { error: new GatewayError(429, 'rate_limit_error', 'quota_exceeded', 'slow down') };

describe('composeHooks', () => {
  it('runs hooks in order, each seeing a fresh record of the decisions before it; nothing it was given changes', async () => {
    const seen: AdmissionSoFar[] = [];
    const labels = { dataClassification: 'internal', policyDecision: 'mask:pii.mask@v1 rrn×1' };
    const masked = { model: 'm', messages: [{ role: 'user', content: '***' }] };
    const composed = composeHooks(hook({ decision: 'mask', body: masked, labels }, seen), hook(ALLOW, seen), hook(ALLOW, seen));
    const decision = await composed.decide(request, NOTHING_DECIDED);
    expect(seen[0]).toBe(NOTHING_DECIDED);
    expect(seen[1]).toEqual({ labels, maskedBody: masked });
    expect(Object.isFrozen(seen[1])).toBe(true);
    expect(seen[2]).toBe(seen[1]);
    expect(NOTHING_DECIDED).toEqual({});
    expect(decision).toEqual({ decision: 'mask', body: masked, admission: undefined, labels });
    expect(request.body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('a refusal ends the chain: later hooks are not asked, earlier admissions are completed as rejected', async () => {
    const completed: CallResult[] = [];
    const later: AdmissionSoFar[] = [];
    const composed = composeHooks(hook({ decision: 'allow', admission: owing(completed) }), hook({ decision: 'refuse', refusal }), hook(ALLOW, later));
    const decision = await composed.decide(request, NOTHING_DECIDED);
    expect(decision).toEqual({ decision: 'refuse', refusal });
    expect(later).toHaveLength(0);
    expect(completed).toEqual([expect.objectContaining({ httpStatus: 429, outcome: 'rejected', usage: { promptTokens: 0, completionTokens: 0 } })]);
  });

  it('a hook that throws releases the earlier admissions and passes its error on', async () => {
    const completed: CallResult[] = [];
    const broken: RequestHooks = {
      decide: async () => {
        throw new Error('boom');
      },
    };
    await expect(composeHooks(hook({ decision: 'allow', admission: owing(completed) }), broken).decide(request, NOTHING_DECIDED)).rejects.toThrow('boom');
    expect(completed).toEqual([expect.objectContaining({ httpStatus: 500, outcome: 'rejected' })]);
  });

  it('hooks that answer synchronously compose like asynchronous ones: labels pass on, a synchronous throw releases the earlier admissions', async () => {
    const completed: CallResult[] = [];
    const seen: AdmissionSoFar[] = [];
    const labels = { dataClassification: 'internal', policyDecision: 'allow' };
    const labelling: RequestHooks = { decide: () => ({ decision: 'allow', labels }) };
    const reading: RequestHooks = { decide: (_request, soFar) => (seen.push(soFar), { decision: 'allow', admission: owing(completed) }) };
    expect(await composeHooks(labelling, reading).decide(request, NOTHING_DECIDED)).toMatchObject({ decision: 'allow', labels });
    expect(seen).toEqual([expect.objectContaining({ labels })]);
    const throwing: RequestHooks = {
      decide: () => {
        throw new Error('sync boom');
      },
    };
    await expect(composeHooks(reading, throwing).decide(request, NOTHING_DECIDED)).rejects.toThrow('sync boom');
    expect(completed).toEqual([expect.objectContaining({ httpStatus: 500, outcome: 'rejected' })]);
  });

  it('allows with one admission owing what each admission owes: waits for all, shows each the response, completes each', async () => {
    const completed: CallResult[] = [];
    const observed: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const composed = composeHooks(
      hook({ decision: 'allow', admission: owing(completed, { readyToRespond: Promise.resolve() }) }),
      hook({ decision: 'allow', admission: owing(completed, { readyToRespond: slow, observeResponse: (chunk) => observed.push(String(chunk)) }) }),
    );
    const decision = await composed.decide(request, NOTHING_DECIDED);
    if (decision.decision !== 'allow' || !decision.admission) throw new Error('expected an allow with an admission');
    let ready = false;
    void decision.admission.readyToRespond!.then(() => (ready = true));
    await Promise.resolve();
    expect(ready).toBe(false);
    release();
    await decision.admission.readyToRespond;
    decision.admission.observeResponse!('chunk');
    decision.admission.complete({ httpStatus: 200, outcome: 'success', usage: { promptTokens: 1, completionTokens: 2 }, latencyMs: 1 });
    expect(observed).toEqual(['chunk']);
    expect(completed).toHaveLength(2);
  });

  it("composes: an inner composition's mask and labels reach the hooks after it", async () => {
    const seen: AdmissionSoFar[] = [];
    const labels = { dataClassification: 'internal', policyDecision: 'allow' };
    const inner = composeHooks(hook({ decision: 'mask', body: { model: 'x' }, labels }));
    const decision = await composeHooks(inner, hook(ALLOW, seen)).decide(request, NOTHING_DECIDED);
    expect(seen[0]).toEqual({ labels, maskedBody: { model: 'x' } });
    expect(decision).toMatchObject({ decision: 'mask', body: { model: 'x' }, labels });
  });
});
