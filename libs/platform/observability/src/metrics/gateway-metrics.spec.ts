import fc from 'fast-check';
import { Registry } from 'prom-client';
import { GatewayMetrics, type EndpointLabels } from './gateway-metrics';
import { createServiceRegistry, gaugeFrom } from './service-registry';

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
    metrics.observeRefusal(429, 'rate_limit_exceeded');
    metrics.observeRefusal(404, 'model_not_found');
    const text = await registry.metrics();
    expect(text).toContain('ai_commons_gateway_streams_open{institution="hanbit-bank",endpoint="chat-llm",model="sim-chat"} 1');
    expect(text).toContain('ai_commons_gateway_throttled_total{reason="rate_limit_exceeded"} 1');
    expect(text).toContain('ai_commons_gateway_refusals_total{status="404",code="model_not_found"} 1');
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
});
