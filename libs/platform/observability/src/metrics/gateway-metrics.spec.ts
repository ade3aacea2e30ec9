import fc from 'fast-check';
import { Registry } from 'prom-client';
import { GatewayMetrics, type EndpointLabels } from './gateway-metrics';
import { cachedReader, counterFrom, createServiceRegistry, gaugeFrom } from './service-registry';

const endpoint: EndpointLabels = { endpointId: 'e1', institution: 'hanbit-bank', endpoint: 'chat-llm', model: 'sim-chat' };

describe('GatewayMetrics', () => {
  it('counts a call by its routed endpoint, with latency, TTFT and tokens', async () => {
    const registry = new Registry();
    const metrics = new GatewayMetrics(registry);
    metrics.observeCall(endpoint, { outcome: 'success', status: 200, latencyMs: 120, ttftMs: 40, promptTokens: 11, completionTokens: 7 });
    metrics.observeCall(endpoint, { outcome: 'success', status: 200, latencyMs: 80, promptTokens: 3, completionTokens: 2 });
    const text = await registry.metrics();
    expect(text).toContain(
      'ai_commons_gateway_requests_total{institution="hanbit-bank",endpoint="chat-llm",model="sim-chat",outcome="success",status="200"} 2',
    );
    expect(text).toContain('ai_commons_gateway_tokens_total{institution="hanbit-bank",endpoint="chat-llm",model="sim-chat",direction="in"} 14');
    expect(text).toContain('ai_commons_gateway_tokens_total{institution="hanbit-bank",endpoint="chat-llm",model="sim-chat",direction="out"} 9');
    expect(text).toContain('ai_commons_gateway_time_to_first_token_seconds_count{institution="hanbit-bank",endpoint="chat-llm",model="sim-chat"} 1');
    expect(text).toContain('ai_commons_gateway_request_duration_seconds_count{institution="hanbit-bank",endpoint="chat-llm",model="sim-chat"} 2');
  });

  it('follows a rename of the endpoint by a routing reload', async () => {
    const registry = new Registry();
    const metrics = new GatewayMetrics(registry);
    metrics.observeCall(endpoint, { outcome: 'success', status: 200, latencyMs: 1, promptTokens: 0, completionTokens: 0 });
    metrics.observeCall({ ...endpoint, endpoint: 'renamed' }, { outcome: 'success', status: 200, latencyMs: 1, promptTokens: 0, completionTokens: 0 });
    expect(await registry.metrics()).toContain('endpoint="renamed",model="sim-chat",outcome="success",status="200"} 1');
  });

  it('keeps streams open balanced and counts 429s by reason', async () => {
    const registry = new Registry();
    const metrics = new GatewayMetrics(registry);
    metrics.streamOpened(endpoint);
    metrics.streamOpened(endpoint);
    metrics.streamClosed(endpoint);
    metrics.observeRefusal(429, 'rate_limit_exceeded', 'tokens');
    metrics.observeRefusal(429, 'insufficient_quota', 'budget');
    metrics.observeRefusal(404, 'model_not_found');
    const text = await registry.metrics();
    expect(text).toContain('ai_commons_gateway_streams_open{institution="hanbit-bank",endpoint="chat-llm",model="sim-chat"} 1');
    expect(text).toContain('ai_commons_gateway_throttled_total{reason="tokens"} 1');
    expect(text).toContain('ai_commons_gateway_throttled_total{reason="budget"} 1');
    expect(text).toContain('ai_commons_gateway_refusals_total{status="404",code="model_not_found"} 1');
  });

  it('times the model server apart from the whole call, and counts policy decisions and PII findings', async () => {
    const registry = new Registry();
    const metrics = new GatewayMetrics(registry);
    metrics.observeCall(endpoint, { outcome: 'success', status: 200, latencyMs: 120, upstreamMs: 90, promptTokens: 1, completionTokens: 1 });
    metrics.observePolicyDecision('pii.mask', 'mask', [
      { detector: 'rrn', count: 2 },
      { detector: 'card', count: 1 },
    ]);
    metrics.observePolicyDecision('pii.mask', 'mask', [{ detector: 'rrn', count: 1 }]);
    metrics.observePolicyDecision('default', 'allow', []);
    const text = await registry.metrics();
    expect(text).toContain('ai_commons_gateway_upstream_duration_seconds_sum{institution="hanbit-bank",endpoint="chat-llm",model="sim-chat"} 0.09');
    expect(text).toContain('ai_commons_gateway_policy_decisions_total{rule="pii.mask",action="mask"} 2');
    expect(text).toContain('ai_commons_gateway_policy_decisions_total{rule="default",action="allow"} 1');
    expect(text).toContain('ai_commons_gateway_pii_findings_total{detector="rrn"} 3');
    expect(text).toContain('ai_commons_gateway_pii_findings_total{detector="card"} 1');
  });

  it('grows by one request series per distinct (outcome, status), however many calls', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(200, 400, 499, 502, 504), { minLength: 1, maxLength: 200 }), (statuses) => {
        const registry = new Registry();
        const metrics = new GatewayMetrics(registry);
        for (const status of statuses) metrics.observeCall(endpoint, { outcome: 'x', status, latencyMs: 1, promptTokens: 0, completionTokens: 0 });
        const counter = registry.getSingleMetric('ai_commons_gateway_requests_total') as unknown as { hashMap: Record<string, unknown> };
        expect(Object.keys(counter.hashMap)).toHaveLength(new Set(statuses).size);
      }),
    );
  });
});

describe('service registry', () => {
  it('exports Node runtime metrics and gauges read at scrape time', async () => {
    const registry = createServiceRegistry('test');
    let depth = 3;
    gaugeFrom(registry, 'test_queue_depth', 'depth', () => depth);
    gaugeFrom(registry, 'test_by_pool', 'by pool', () => [{ labels: { pool: 'a' }, value: 1 }], ['pool']);
    depth = 5;
    const text = await registry.metrics();
    expect(text).toContain('ai_commons_nodejs_eventloop_lag_seconds');
    expect(text).toContain('ai_commons_process_resident_memory_bytes');
    expect(text).toContain('test_queue_depth{service="test"} 5');
    expect(text).toContain('test_by_pool{pool="a",service="test"} 1');
  });

  it('exports counters kept elsewhere, and async gauges', async () => {
    const registry = createServiceRegistry('test');
    let failures = 2;
    counterFrom(registry, 'test_failures_total', 'failures', () => failures);
    gaugeFrom(registry, 'test_async', 'async', async () => [{ labels: { pool: 'p' }, value: 7 }], ['pool']);
    failures = 3;
    const text = await registry.metrics();
    expect(text).toContain('test_failures_total{service="test"} 3');
    expect(text).toContain('test_async{pool="p",service="test"} 7');
  });
});

describe('cachedReader', () => {
  it('loads at most once per interval, shares a load in progress, and does not cache a failure', async () => {
    let now = 0;
    let loads = 0;
    let fail = false;
    const read = cachedReader(
      1_000,
      async () => {
        loads++;
        if (fail) throw new Error('down');
        return loads;
      },
      -1,
      () => now,
    );
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    now = 999;
    expect(await read()).toBe(1);
    now = 1_000;
    fail = true;
    expect(await read()).toBe(-1);
    fail = false;
    expect(await read()).toBe(3);
    expect(loads).toBe(3);
  });
});
