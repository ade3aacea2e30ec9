import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
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

  /** Runs `work` in a recorded request span, as traceRequest does for a sampled request; returns the ended request span. */
  async function inRequest(work: () => unknown): Promise<ReadableSpan> {
    const span = tracing.tracer.startSpan('request');
    await Promise.resolve(context.with(trace.setSpan(context.active(), span), work)).catch(() => undefined);
    span.end();
    return exporter.getFinishedSpans().find((finished) => finished.name === 'request')!;
  }

  it('records the decision, the refusal code and the policy labels; the decision passes through unchanged', async () => {
    const refused: AdmissionDecision = { decision: 'refuse', refusal: { error: new GatewayError(429, 'rate_limit_error', 'tokens_exceeded', 'slow down') } };
    const labels = { dataClassification: 'confidential', policyDecision: 'mask:pii.mask@v3 rrn×1' };
    await inRequest(async () => {
      expect(await tracedHook(tracing, 'quota', hook(refused)).decide(request, NOTHING_DECIDED)).toBe(refused);
      await tracedHook(tracing, 'policy', hook({ decision: 'mask', body: {}, labels })).decide(request, NOTHING_DECIDED);
    });
    const [quota, policy] = exporter.getFinishedSpans();
    expect(quota.attributes).toEqual({ 'ai_commons.decision': 'refuse', 'ai_commons.refusal.code': 'tokens_exceeded' });
    expect(policy.attributes).toEqual({
      'ai_commons.decision': 'mask',
      'ai_commons.data_classification': 'confidential',
      'ai_commons.policy.decision': labels.policyDecision,
    });
  });

  it('as an event: the decision and its duration on the request span, and no span of its own', async () => {
    const labels = { dataClassification: 'internal', policyDecision: 'allow' };
    const slow: RequestHooks = { decide: () => new Promise((resolve) => setTimeout(() => resolve({ decision: 'allow', labels }), 20)) };
    const requestSpan = await inRequest(() => tracedHook(tracing, 'policy', slow, { as: 'event' }).decide(request, NOTHING_DECIDED));
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['request']);
    const [event] = requestSpan.events;
    expect(event.name).toBe('policy');
    expect(event.attributes).toMatchObject({ 'ai_commons.decision': 'allow', 'ai_commons.data_classification': 'internal' });
    expect(event.attributes!['ai_commons.duration_ms']).toBeGreaterThanOrEqual(15);
  });

  it('spans the commit of a durable record until it is written, and marks a failed one (as a span or an event)', async () => {
    let commit!: () => void;
    let fail!: (error: Error) => void;
    const written = new Promise<void>((resolve) => (commit = resolve));
    const failing = new Promise<void>((_resolve, reject) => (fail = reject));
    failing.catch(() => undefined);
    const owing = (readyToRespond: Promise<void>) => hook({ decision: 'allow', admission: { readyToRespond, complete: () => undefined } });
    const requestSpan = await inRequest(async () => {
      await tracedHook(tracing, 'audit', owing(written), { commitSpan: 'audit.commit' }).decide(request, NOTHING_DECIDED);
      await tracedHook(tracing, 'audit', owing(failing), { as: 'event', commitSpan: 'audit.commit' }).decide(request, NOTHING_DECIDED);
    });
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['audit', 'request']);
    expect(requestSpan.events.map((event) => event.name)).toEqual(['audit']);
    commit();
    fail(new Error('audit log unavailable'));
    await new Promise((resolve) => setImmediate(resolve));
    const commits = exporter.getFinishedSpans().filter((span) => span.name === 'audit.commit');
    expect(commits.map((span) => span.status.code)).toEqual([0, 2]);
    expect(commits[1].status.message).toBe('audit log unavailable');
    // Both are children of the request's span, beside the decision.
    expect(commits.every((span) => span.parentSpanContext?.spanId === requestSpan.spanContext().spanId)).toBe(true);
  });

  it('ends its span and passes on a hook that throws; as an event, records the exception on the request span', async () => {
    const broken: RequestHooks = { decide: async () => Promise.reject(new Error('store down')) };
    const requestSpan = await inRequest(async () => {
      await expect(tracedHook(tracing, 'quota', broken).decide(request, NOTHING_DECIDED)).rejects.toThrow('store down');
      await expect(tracedHook(tracing, 'policy', broken, { as: 'event' }).decide(request, NOTHING_DECIDED)).rejects.toThrow('store down');
    });
    expect(exporter.getFinishedSpans()[0].status).toMatchObject({ code: 2, message: 'store down' });
    expect(requestSpan.events.map((event) => [event.name, event.attributes?.['ai_commons.decision'] ?? event.attributes?.['exception.message']])).toEqual([
      ['policy', 'error'],
      ['exception', 'store down'],
    ]);
  });
});

describe('tracedHook outside a recorded trace', () => {
  it('decides through the hook itself and records nothing (no request span, or an unsampled one)', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = new Tracing({ service: 'test', export: { exporter }, sampleRatio: 0 });
    const unsampled = tracing.tracer.startSpan('request');
    const decision: AdmissionDecision = { decision: 'allow', admission: { readyToRespond: Promise.resolve(), complete: () => undefined } };
    for (const from of [ROOT_CONTEXT, trace.setSpan(ROOT_CONTEXT, unsampled)]) {
      for (const options of [{}, { as: 'event' as const, commitSpan: 'audit.commit' }]) {
        const result = await context.with(from, () => tracedHook(tracing, 'quota', hook(decision), options).decide(request, NOTHING_DECIDED));
        expect(result).toBe(decision);
      }
    }
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await tracing.shutdown();
  });
});
