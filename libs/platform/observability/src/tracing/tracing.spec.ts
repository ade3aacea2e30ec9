import { EventEmitter } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, context, trace as traceApi } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { RequestContext } from '@ai-commons/core';
import { JsonLogger } from '../json-logger';
import { Tracing } from './tracing';
import { otlpTracesUrl, tracingFromConfig } from './tracing-config';
import { callerTraceHeaders, traceRequest } from './request-span';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

/** An OTLP/HTTP receiver: what the exporter posts, as the collector would get it. */
async function otlpReceiver() {
  const posts: Array<{ path: string; contentType: string; body: Buffer }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const contentType = String(req.headers['content-type']);
      posts.push({ path: req.url ?? '', contentType, body: Buffer.concat(chunks) });
      // An empty ExportTraceServiceResponse (full success), in the request's encoding.
      if (contentType === 'application/x-protobuf') res.writeHead(200, { 'content-type': contentType }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts, close: () => new Promise((resolve) => server.close(resolve)) };
}

const settings = {
  OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  OTEL_TRACES_SAMPLER_ARG: 1,
} as const;

describe('tracing configuration', () => {
  it('is off without an endpoint, and posts to <endpoint>/v1/traces or the traces endpoint as given', () => {
    expect(tracingFromConfig(settings, 'test')).toBeUndefined();
    expect(otlpTracesUrl({ ...settings, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl({ ...settings, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/otlp/traces' })).toBe(
      'https://b/otlp/traces',
    );
  });

  it('exports spans as OTLP/HTTP JSON when asked, with the service name and the span tree', async () => {
    const receiver = await otlpReceiver();
    const tracing = tracingFromConfig({ ...settings, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 'ai-commons-test')!;
    try {
      await inTrace(tracing, () => tracing.inSpan('inner', async () => undefined));
      await tracing.forceFlush();
      expect(receiver.posts.map((post) => [post.path, post.contentType])).toEqual([['/v1/traces', 'application/json']]);
      const [resourceSpans] = JSON.parse(receiver.posts[0].body.toString('utf8')).resourceSpans;
      expect(resourceSpans.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'ai-commons-test' } });
      const spans = resourceSpans.scopeSpans.flatMap((scope: any) => scope.spans);
      const outer = spans.find((span: any) => span.name === 'outer');
      const inner = spans.find((span: any) => span.name === 'inner');
      expect(inner.parentSpanId).toBe(outer.spanId);
      expect(inner.traceId).toBe(outer.traceId);
    } finally {
      await tracing.shutdown();
      await receiver.close();
    }
  });

  it('exports OTLP/HTTP protobuf by default (a third of the bytes)', async () => {
    const receiver = await otlpReceiver();
    const tracing = tracingFromConfig({ ...settings, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, 'ai-commons-test')!;
    try {
      await inTrace(tracing, () => tracing.inSpan('inner', async () => undefined));
      await tracing.forceFlush();
      expect(receiver.posts.map((post) => [post.path, post.contentType])).toEqual([['/v1/traces', 'application/x-protobuf']]);
      // Protobuf strings are their UTF-8 bytes: the service and both spans are in the body, and it is not JSON.
      const body = receiver.posts[0].body;
      for (const name of ['ai-commons-test', 'outer', 'inner']) expect(body.includes(Buffer.from(name))).toBe(true);
      expect(() => JSON.parse(body.toString('utf8'))).toThrow();
    } finally {
      await tracing.shutdown();
      await receiver.close();
    }
  });
});

/** Runs `work` under a recorded root span named 'outer' (what traceRequest starts for a sampled request). */
function inTrace<T>(tracing: Tracing, work: () => Promise<T>): Promise<T> {
  const outer = tracing.tracer.startSpan('outer');
  return context.with(traceApi.setSpan(context.active(), outer), work).finally(() => outer.end());
}

describe('request spans', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = new Tracing({ service: 'test', export: { exporter } });
  const lines: string[] = [];
  const logger = new JsonLogger('test', 'info', (line) => lines.push(line));
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const state = { requestId: 'req-1' };
      RequestContext.run(state, () =>
        traceRequest(tracing, req, res, req.url?.startsWith('/known?') ? '/known' : undefined, 'req-1', (traceId) => {
          Object.assign(state, { traceId });
          void tracing.inSpan('work', async () => {
            logger.event('info', 'work.done');
            const headers: Record<string, string> = {};
            tracing.inject(context.active(), headers);
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(headers));
          });
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await tracing.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    lines.length = 0;
  });

  const spansWhenEnded = async (count: number) => {
    for (let i = 0; i < 100 && exporter.getFinishedSpans().length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return exporter.getFinishedSpans();
  };

  it("continues the caller's trace, passes its own span on, and the log line carries the trace id", async () => {
    const response = await fetch(`${url}/known?secret=1`, { headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` } });
    const outgoing = (await response.json()) as { traceparent: string };
    const spans = await spansWhenEnded(2);
    const server = spans.find((span) => span.name === 'GET /known')!;
    const work = spans.find((span) => span.name === 'work')!;
    expect(server.spanContext().traceId).toBe(CALLER_TRACE);
    expect(server.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(work.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/known',
      'http.response.status_code': 200,
      'ai_commons.request_id': 'req-1',
    });
    expect(outgoing.traceparent).toBe(`00-${CALLER_TRACE}-${work.spanContext().spanId}-01`);
    expect(JSON.parse(lines[0])).toMatchObject({ requestId: 'req-1', traceId: CALLER_TRACE, event: 'work.done' });
  });

  it('starts a new trace for a malformed traceparent, and names an unknown path by its method only', async () => {
    await (await fetch(`${url}/attacker-chosen-path`, { headers: { traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN}-01` } })).text();
    const server = (await spansWhenEnded(2)).find((span) => span.name !== 'work')!;
    expect(server.name).toBe('GET');
    expect(server.parentSpanContext).toBeUndefined();
    expect(server.spanContext().traceId).not.toBe('0'.repeat(32));
  });

  it('leaves the trace id out of log lines outside a trace', () => {
    RequestContext.run({ requestId: 'req-2' }, () => logger.event('info', 'untraced'));
    expect(JSON.parse(lines[0])).toEqual(expect.not.objectContaining({ traceId: expect.anything() }));
  });
});

describe('callerTraceHeaders (tracing off)', () => {
  it("passes a valid traceparent and a plain, bounded tracestate on, and nothing that isn't", () => {
    const traceparent = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;
    expect(callerTraceHeaders({ traceparent, tracestate: 'vendor=abc' })).toEqual({ traceparent, tracestate: 'vendor=abc' });
    expect(callerTraceHeaders({ traceparent, tracestate: 'x'.repeat(513) })).toEqual({ traceparent });
    expect(callerTraceHeaders({ traceparent, tracestate: 'a=\u0000b' })).toEqual({ traceparent });
    expect(callerTraceHeaders({ traceparent: 'not-a-traceparent' })).toBeUndefined();
    expect(callerTraceHeaders({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01\r\nx-injected: 1` })).toBeUndefined();
    expect(callerTraceHeaders({})).toBeUndefined();
  });
});

/** A request as traceRequest sees it, and a response whose close ends its span. */
function fakeExchange(headers: Record<string, string> = {}) {
  const req = { method: 'POST', url: '/v1/chat/completions', headers } as unknown as IncomingMessage;
  const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: true }) as unknown as ServerResponse;
  return { req, res };
}

/**
 * Head sampling: traceRequest decides once, before any span exists. What is checked here is what
 * a fast path could break: a caller's sampled trace always recorded, an unsampled one never (and
 * nothing made for it, its header still passed on), the ratio alone for new traces, and applied once.
 */
describe('head sampling (traceRequest)', () => {
  const exporter = new InMemorySpanExporter();
  const tracings: Tracing[] = [];
  const tracingAt = (sampleRatio: number) => {
    const tracing = new Tracing({ service: 'test', export: { exporter }, sampleRatio });
    tracings.push(tracing);
    return tracing;
  };
  afterAll(() => Promise.all(tracings.map((tracing) => tracing.shutdown())));
  beforeEach(() => exporter.reset());

  /** One request through traceRequest, with a stage span and the upstream headers its handler would make. */
  function serve(tracing: Tracing, headers: Record<string, string> = {}) {
    const { req, res } = fakeExchange(headers);
    const seen: { traceId?: string; active?: unknown; stage?: unknown; upstream: Record<string, string> } = { upstream: {} };
    traceRequest(tracing, req, res, '/v1/chat/completions', 'req-1', (traceId) => {
      seen.traceId = traceId;
      seen.active = traceApi.getSpan(context.active());
      const stage = tracing.startSpan('stage');
      seen.stage = stage;
      stage?.end();
      // As proxy-call does it: the upstream span's context when traced, else the caller's headers unchanged.
      if (tracing.recordedSpan()) tracing.inject(context.active(), seen.upstream);
      else Object.assign(seen.upstream, callerTraceHeaders(req.headers));
    });
    res.emit('close');
    return seen;
  }

  it("records a caller's sampled trace whatever the ratio, as a child of the caller's span", () => {
    const seen = serve(tracingAt(0), { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, tracestate: 'vendor=abc' });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['stage', 'POST /v1/chat/completions']);
    const [stage, server] = spans;
    expect(server.spanContext().traceId).toBe(CALLER_TRACE);
    expect(server.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(stage.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(seen.traceId).toBe(CALLER_TRACE);
    expect(seen.upstream).toEqual({ traceparent: `00-${CALLER_TRACE}-${server.spanContext().spanId}-01`, tracestate: 'vendor=abc' });
  });

  it("makes nothing for a caller's unsampled trace whatever the ratio, and passes its headers on unchanged", async () => {
    const traceparent = `00-${CALLER_TRACE}-${CALLER_SPAN}-00`;
    const seen = serve(tracingAt(1), { traceparent, tracestate: 'vendor=abc' });
    expect(seen.active).toBeUndefined();
    expect(seen.stage).toBeUndefined();
    expect(seen.traceId).toBe(CALLER_TRACE);
    expect(seen.upstream).toEqual({ traceparent, tracestate: 'vendor=abc' });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('lets the ratio decide without a caller trace, or with a malformed one (a new trace)', () => {
    const never = tracingAt(0);
    const always = tracingAt(1);
    for (const headers of [{}, { traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN}-01` }] as Array<Record<string, string>>) {
      const skipped = serve(never, headers);
      expect(skipped).toEqual({ traceId: undefined, active: undefined, stage: undefined, upstream: {} });
      expect(exporter.getFinishedSpans()).toEqual([]);

      const recorded = serve(always, headers);
      const server = exporter.getFinishedSpans().find((span) => span.name === 'POST /v1/chat/completions')!;
      expect(server.parentSpanContext).toBeUndefined();
      expect(recorded.traceId).toBe(server.spanContext().traceId);
      expect(recorded.upstream.traceparent).toBe(`00-${server.spanContext().traceId}-${server.spanContext().spanId}-01`);
      exporter.reset();
    }
  });

  it('records the ratio of new traces, drawn once (not again by the SDK sampler)', () => {
    const half = tracingAt(0.5);
    const requests = 4000;
    for (let i = 0; i < requests; i++) serve(half);
    const recorded = exporter.getFinishedSpans().filter((span) => span.name === 'POST /v1/chat/completions').length;
    // Binomial(4000, 0.5): ±200 is more than 6 standard deviations; drawn twice it would be ~1000.
    expect(recorded).toBeGreaterThan(1800);
    expect(recorded).toBeLessThan(2200);
  });
});

describe('outside a recorded trace', () => {
  it('no span is made: no active span, or an unsampled one', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = new Tracing({ service: 'test', export: { exporter }, sampleRatio: 0 });
    const unsampledRoot = tracing.tracer.startSpan('root');
    expect(unsampledRoot.isRecording()).toBe(false);
    for (const from of [ROOT_CONTEXT, traceApi.setSpan(ROOT_CONTEXT, unsampledRoot)]) {
      await context.with(from, async () => {
        expect(tracing.recordedSpan()).toBeUndefined();
        expect(tracing.startSpan('child')).toBeUndefined();
        await tracing.inSpan('child', async (span) => expect(span).toBeUndefined());
      });
    }
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await tracing.shutdown();
  });
});

describe('children of an ended span', () => {
  it('are still recorded (the upstream span of a call whose response closed first)', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = new Tracing({ service: 'test', export: { exporter } });
    const request = tracing.tracer.startSpan('request');
    request.end();
    context.with(traceApi.setSpan(context.active(), request), () => tracing.startSpan('late')!.end());
    await tracing.forceFlush();
    // (the in-memory exporter forgets its spans on shutdown)
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['request', 'late']);
    await tracing.shutdown();
  });
});
