import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import type { Principal } from '@ai-commons/core';
import { Tracing } from '@ai-commons/observability';
import { GatewayError, NOTHING_DECIDED, tracedHook, type AdmissionDecision, type AdmissionRequest, type RequestHooks } from '../src';

const request = { requestId: 'r1', caller: { tenantId: 't1', principal: { subject: 's' } as Principal } } as AdmissionRequest;
const hook = (decision: AdmissionDecision): RequestHooks => ({ decide: async () => decision });

describe('tracedHook', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = new Tracing({ service: 'test', export: { exporter } });
  afterAll(() => tracing.shutdown());
  beforeEach(() => exporter.reset());

  it('records the decision, the refusal code and the policy labels; the decision passes through unchanged', async () => {
    const refused: AdmissionDecision = { decision: 'refuse', refusal: { error: new GatewayError(429, 'rate_limit_error', 'tokens_exceeded', 'slow down') } };
    expect(await tracedHook(tracing, 'quota', hook(refused)).decide(request, NOTHING_DECIDED)).toBe(refused);
    const labels = { dataClassification: 'confidential', policyDecision: 'mask:pii.mask@v3 rrn×1' };
    await tracedHook(tracing, 'policy', hook({ decision: 'mask', body: {}, labels })).decide(request, NOTHING_DECIDED);
    const [quota, policy] = exporter.getFinishedSpans();
    expect(quota.attributes).toEqual({ 'ai_commons.decision': 'refuse', 'ai_commons.refusal.code': 'tokens_exceeded' });
    expect(policy.attributes).toEqual({
      'ai_commons.decision': 'mask',
      'ai_commons.data_classification': 'confidential',
      'ai_commons.policy.decision': labels.policyDecision,
    });
  });

  it('spans the commit of a durable record until it is written, and marks a failed one', async () => {
    let commit!: () => void;
    let fail!: (error: Error) => void;
    const written = new Promise<void>((resolve) => (commit = resolve));
    const failing = new Promise<void>((_resolve, reject) => (fail = reject));
    failing.catch(() => undefined);
    await tracedHook(tracing, 'audit', hook({ decision: 'allow', admission: { readyToRespond: written, complete: () => undefined } }), 'audit.commit').decide(
      request,
      NOTHING_DECIDED,
    );
    await tracedHook(tracing, 'audit', hook({ decision: 'allow', admission: { readyToRespond: failing, complete: () => undefined } }), 'audit.commit').decide(
      request,
      NOTHING_DECIDED,
    );
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['audit', 'audit']);
    commit();
    fail(new Error('audit log unavailable'));
    await new Promise((resolve) => setImmediate(resolve));
    const commits = exporter.getFinishedSpans().filter((span) => span.name === 'audit.commit');
    expect(commits.map((span) => span.status.code)).toEqual([0, 2]);
    expect(commits[1].status.message).toBe('audit log unavailable');
  });

  it('ends its span and passes on a hook that throws', async () => {
    const broken: RequestHooks = { decide: async () => Promise.reject(new Error('store down')) };
    await expect(tracedHook(tracing, 'quota', broken).decide(request, NOTHING_DECIDED)).rejects.toThrow('store down');
    expect(exporter.getFinishedSpans()[0].status).toMatchObject({ code: 2, message: 'store down' });
  });
});

describe('tracedHook in a trace that is not sampled', () => {
  it('decides through the hook itself and makes no span', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = new Tracing({ service: 'test', export: { exporter }, sampleRatio: 0 });
    const root = tracing.startSpan('request');
    const decision: AdmissionDecision = { decision: 'allow' };
    const result = await context.with(trace.setSpan(context.active(), root), () =>
      tracedHook(tracing, 'quota', hook(decision)).decide(request, NOTHING_DECIDED),
    );
    expect(result).toBe(decision);
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await tracing.shutdown();
  });
});
