import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { graphqlRequest, userToken } from '@ai-commons/testing';
import { Tracing } from '@ai-commons/observability';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { capturedGatewayLogLines, capturedLogLines, eventually, startControlPlane, startGateway } from './support/environment';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { apiKeyHashHex, createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';

/** A caller's W3C trace context: the trace the platform's spans must join. */
function callerTrace() {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, traceparent: `00-${traceId}-${parentId}-01` };
}

const logLinesOf = (lines: string[], requestId: string) => lines.map((line) => JSON.parse(line)).filter((entry) => entry.requestId === requestId);

/** Issue 15: the span tree of one gateway request and of one GraphQL request, from the SDK's in-memory exporter. */
describe('tracing: spans of a gateway request and a GraphQL request', () => {
  const gatewaySpans = new InMemorySpanExporter();
  const controlPlaneSpans = new InMemorySpanExporter();
  const gatewayTracing = new Tracing({ service: 'ai-commons-gateway', export: { exporter: gatewaySpans } });
  const controlPlaneTracing = new Tracing({ service: 'ai-commons-control-plane', export: { exporter: controlPlaneSpans }, postgres: true });
  let controlPlane: ControlPlane;
  let simulator: SimulatorProcess;
  let gateway: Gateway;
  let key: string;

  beforeAll(async () => {
    controlPlane = await startControlPlane({}, { tracing: controlPlaneTracing });
    simulator = await startSimulatorProcess(['--models', 'sim-traced', '--output-tokens', '6', '--record-last-request', 'true']);
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'traced-llm', upstreamUrl: simulator.url, upstreamModel: 'sim-traced' });
    // Nothing listens on port 9: the call fails after admission (a 502 the gateway logs).
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'traced-down', upstreamUrl: 'http://127.0.0.1:9', upstreamModel: 'sim-traced' });
    key = (await createApiKeyFixture('hanbit-bank')).secret;
    gateway = await startGateway({}, { tracing: gatewayTracing });
    await eventually(() => gateway.routing.table().apiKey(apiKeyHashHex(key)) !== undefined);
  });
  afterAll(async () => {
    await gateway?.close();
    await simulator?.stop();
    await controlPlane?.close();
    await gatewayTracing.shutdown();
    await controlPlaneTracing.shutdown();
  });

  /** The finished spans of one trace, once `complete` says the tree is all there. */
  async function spansOf(exporter: InMemorySpanExporter, traceId: string, complete: (spans: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> {
    const ofTrace = () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    await eventually(() => complete(ofTrace())).catch((error) => {
      console.log(exporter.getFinishedSpans().map((span) => [span.name, span.spanContext().traceId, span.parentSpanContext?.spanId]));
      throw error;
    });
    return ofTrace();
  }
  const named = (spans: ReadableSpan[], name: string) => {
    const found = spans.filter((span) => span.name === name);
    expect({ name, count: found.length }).toEqual({ name, count: 1 });
    return found[0];
  };
  const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) => spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);

  it("joins the caller's trace: one server span, a child per stage that waits, events for those that compute, TTFT as an event, the upstream span's traceparent sent to the model", async () => {
    const caller = callerTrace();
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
    const stream = await client.chat.completions.create(
      { model: 'traced-llm', messages: [{ role: 'user', content: '대출 금리 알려줘' }], stream: true },
      { headers: { traceparent: caller.traceparent, 'x-request-id': 'e2e-trace-stream' } },
    );
    for await (const chunk of stream) void chunk;

    const spans = await spansOf(gatewaySpans, caller.traceId, (found) =>
      ['POST /v1/chat/completions', 'gateway.audit_commit', 'gateway.upstream'].every((name) => found.some((span) => span.name === name)),
    );
    const server = named(spans, 'POST /v1/chat/completions');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.parentSpanContext?.spanId).toBe(caller.parentId);
    expect(server.attributes).toMatchObject({
      'http.response.status_code': 200,
      'ai_commons.request_id': 'e2e-trace-stream',
      'http.route': '/v1/chat/completions',
      'ai_commons.institution': 'hanbit-bank',
    });
    // The stages that wait on I/O are children of the request's span, in the order the gateway runs them.
    const stages = childrenOf(spans, server).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    expect(stages.map((span) => span.name)).toEqual(['gateway.quota_admission', 'gateway.audit_commit', 'gateway.upstream']);
    expect(spans).toHaveLength(stages.length + 1);
    expect(named(spans, 'gateway.quota_admission').attributes).toMatchObject({ 'ai_commons.decision': 'allow' });
    // Those that only compute are events of the request's span, in order, each with its decision and duration.
    expect(server.events.map((event) => event.name)).toEqual(['gateway.authenticated', 'gateway.policy', 'gateway.use_case', 'gateway.audit_admission']);
    const policy = server.events.find((event) => event.name === 'gateway.policy')!;
    expect(policy.attributes).toMatchObject({ 'ai_commons.decision': 'allow', 'ai_commons.data_classification': 'internal' });
    expect(policy.attributes!['ai_commons.duration_ms']).toBeGreaterThanOrEqual(0);

    const upstream = named(spans, 'gateway.upstream');
    expect(upstream.kind).toBe(SpanKind.CLIENT);
    expect(upstream.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'sim-traced',
      'http.response.status_code': 200,
      'ai_commons.outcome': 'success',
      'gen_ai.usage.output_tokens': 6,
    });
    expect(upstream.events.map((event) => event.name)).toEqual(['gen_ai.first_token', 'gateway.usage_record']);
    expect(upstream.events[0].attributes?.['ai_commons.ttft_ms']).toBeGreaterThan(0);
    // The audit record was durable before the answer: its commit ended before the upstream span.
    const commitEnd = named(spans, 'gateway.audit_commit').endTime;
    expect(commitEnd[0] * 1e9 + commitEnd[1]).toBeLessThanOrEqual(upstream.endTime[0] * 1e9 + upstream.endTime[1]);

    const { request } = (await (await fetch(`${simulator.url}/_sim/last-request`)).json()) as { request: { headers: Record<string, string> } };
    expect(request.headers.traceparent).toBe(`00-${caller.traceId}-${upstream.spanContext().spanId}-01`);
    expect(request.headers['x-request-id']).toBe('e2e-trace-stream');
  });

  it("does not record a caller's unsampled trace: no span, and its traceparent and tracestate reach the model unchanged", async () => {
    const caller = callerTrace();
    const traceparent = `00-${caller.traceId}-${caller.parentId}-00`;
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
    await client.chat.completions.create(
      { model: 'traced-llm', messages: [{ role: 'user', content: 'hi' }] },
      { headers: { traceparent, tracestate: 'caller=1' } },
    );
    const { request } = (await (await fetch(`${simulator.url}/_sim/last-request`)).json()) as { request: { headers: Record<string, string> } };
    expect(request.headers).toMatchObject({ traceparent, tracestate: 'caller=1' });
    // A later sampled request's spans are exported by then (the exporter is synchronous): none of the unsampled trace's.
    const sampled = callerTrace();
    await client.chat.completions.create(
      { model: 'traced-llm', messages: [{ role: 'user', content: 'hi' }] },
      { headers: { traceparent: sampled.traceparent } },
    );
    await spansOf(gatewaySpans, sampled.traceId, (found) => found.some((span) => span.name === 'POST /v1/chat/completions'));
    expect(gatewaySpans.getFinishedSpans().filter((span) => span.spanContext().traceId === caller.traceId)).toEqual([]);
  });

  it('starts a trace of its own without a traceparent, marks a failed upstream call, and logs the trace id beside the request id', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
    await expect(
      client.chat.completions.create({ model: 'traced-down', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-request-id': 'e2e-trace-502' } }),
    ).rejects.toMatchObject({ status: 502 });
    const [logged] = logLinesOf(capturedGatewayLogLines, 'e2e-trace-502').filter((entry) => entry.event === 'gateway.error');
    expect(logged.traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await spansOf(gatewaySpans, logged.traceId, (found) => found.some((span) => span.name === 'POST /v1/chat/completions'));
    const server = named(spans, 'POST /v1/chat/completions');
    expect(server.parentSpanContext).toBeUndefined();
    expect(server.attributes['http.response.status_code']).toBe(502);
    expect(named(spans, 'gateway.upstream').status.code).toBe(2 /* ERROR */);
  });

  it("with tracing off, passes the caller's traceparent to the model unchanged and makes no span", async () => {
    const untraced = await startGateway();
    try {
      await eventually(() => untraced.routing.table().apiKey(apiKeyHashHex(key)) !== undefined);
      const caller = callerTrace();
      const client = new OpenAI({ baseURL: `${untraced.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
      await client.chat.completions.create(
        { model: 'traced-llm', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { traceparent: caller.traceparent } },
      );
      const { request } = (await (await fetch(`${simulator.url}/_sim/last-request`)).json()) as { request: { headers: Record<string, string> } };
      expect(request.headers.traceparent).toBe(caller.traceparent);
      expect(untraced.tracing).toBeUndefined();
      expect(gatewaySpans.getFinishedSpans().filter((span) => span.spanContext().traceId === caller.traceId)).toEqual([]);
    } finally {
      await untraced.close();
    }
  });

  it('a GraphQL request: server span, a resolver span under it, the SQL under the resolver; the access log carries the trace id', async () => {
    const caller = callerTrace();
    const response = await graphqlRequest<any>(controlPlane.url, '{ institutions(first: 5) { edges { node { id slug } } } }', {
      token: await userToken('platform-admin'),
      headers: { traceparent: caller.traceparent, 'x-request-id': 'e2e-trace-graphql' },
    });
    expect(response.errors).toBeUndefined();
    const spans = await spansOf(controlPlaneSpans, caller.traceId, (found) => found.some((span) => span.name === 'POST /graphql'));
    const server = named(spans, 'POST /graphql');
    expect(server.parentSpanContext?.spanId).toBe(caller.parentId);
    const resolver = named(spans, 'graphql.resolve Query.institutions');
    expect(resolver.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    const sql = childrenOf(spans, resolver).filter((span) => span.instrumentationScope.name === '@opentelemetry/instrumentation-pg');
    expect(sql.length).toBeGreaterThan(0);
    expect(sql.every((span) => span.kind === SpanKind.CLIENT)).toBe(true);
    const statements = sql.map((span) => String(span.attributes['db.query.text'] ?? span.attributes['db.statement'] ?? ''));
    expect(statements.some((text) => /institutions/i.test(text))).toBe(true);

    const access = logLinesOf(capturedLogLines, 'e2e-trace-graphql').find((entry) => entry.event === 'http.request');
    expect(access).toMatchObject({ traceId: caller.traceId, status: 200 });
  });
});
