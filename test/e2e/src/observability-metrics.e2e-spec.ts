import { createServer } from 'node:net';
import OpenAI from 'openai';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { e2eDatabase, startControlPlane, startGateway } from './support/environment';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';
import { checkPromQl, dashboardExpressions, metricNamesUsedByDeploy, ruleExpressions } from './support/observability-deploy';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Exported metric families of a Prometheus text exposition (histograms by their base name too). */
function familiesOf(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^# TYPE (\S+) /.exec(line);
    if (match) names.add(match[1]);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]);
  }
  return names;
}

/** Issue 15: both services serve /metrics on their management port; the deploy files use only what they export. */
describe('observability: metrics of the running services', () => {
  let controlPlane: ControlPlane;
  let gateway: Gateway;
  let simulator: SimulatorProcess;
  let key: string;

  beforeAll(async () => {
    void e2eDatabase();
    controlPlane = await startControlPlane({}, { metricsPort: await freePort() });
    simulator = await startSimulatorProcess(['--models', 'sim-metrics', '--output-tokens', '5']);
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'metrics-llm', upstreamUrl: simulator.url, upstreamModel: 'sim-metrics' });
    key = (await createApiKeyFixture('hanbit-bank')).secret;
    gateway = await startGateway({}, { metricsPort: await freePort() });
  });
  afterAll(async () => {
    await gateway?.close();
    await simulator?.stop();
    await controlPlane?.close();
  });

  const scrape = async (url: string | undefined) => {
    expect(url).toBeDefined();
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    return response.text();
  };

  it('counts a model call by institution, endpoint and model from the routing table, and an unknown model without its name', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
    await client.chat.completions.create({ model: 'metrics-llm', messages: [{ role: 'user', content: '안녕하세요' }] });
    const stream = await client.chat.completions.create({ model: 'metrics-llm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const chunk of stream) void chunk;
    await expect(client.chat.completions.create({ model: 'attacker-chosen-\u0000name', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
    });

    const text = await scrape(gateway.metricsUrl);
    expect(text).toMatch(
      /ai_commons_gateway_requests_total\{institution="hanbit-bank",endpoint="metrics-llm",model="sim-metrics",outcome="success",status="200",service="gateway"\} 2/,
    );
    expect(text).toMatch(/ai_commons_gateway_time_to_first_token_seconds_count\{[^}]*endpoint="metrics-llm"[^}]*\} 1/);
    expect(text).toMatch(/ai_commons_gateway_tokens_total\{[^}]*direction="out"[^}]*\} [1-9]/);
    expect(text).toMatch(/ai_commons_gateway_refusals_total\{status="404",code="model_not_found",service="gateway"\} 1/);
    expect(text).not.toContain('attacker-chosen');
    expect(text).toMatch(/ai_commons_gateway_reload_age_seconds\{table="routing",service="gateway"\}/);
    expect(text).toContain('ai_commons_nodejs_eventloop_lag_seconds');
  });

  it('counts GraphQL requests by root field of the schema only', async () => {
    for (const query of ['{ __typename }', '{ institutions { id } }', '{ notAField }']) {
      await fetch(`${controlPlane.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    }
    const text = await scrape(controlPlane.metricsUrl);
    // Anonymous: `__typename` is answered, the others refused (authentication or validation).
    expect(text).toMatch(/ai_commons_control_plane_graphql_operations_total\{operation="institutions",outcome="refused",service="control-plane"\} 1/);
    expect(text).toMatch(/ai_commons_control_plane_graphql_operations_total\{operation="other",outcome="ok",service="control-plane"\} 1/);
    expect(text).toMatch(/ai_commons_control_plane_graphql_operations_total\{operation="other",outcome="refused",service="control-plane"\} 1/);
    expect(text).not.toContain('notAField');
    expect(text).toMatch(/ai_commons_db_pool_connections\{state="total",service="control-plane"\} \d/);
  });

  it('exports every metric the dashboards and alert rules use, and every rule expression parses', async () => {
    const exported = new Set([...familiesOf(await scrape(gateway.metricsUrl)), ...familiesOf(await scrape(controlPlane.metricsUrl))]);
    const used = metricNamesUsedByDeploy();
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    for (const { alert, expr } of ruleExpressions()) expect({ alert, problems: checkPromQl(expr) }).toEqual({ alert, problems: [] });
    // The check itself catches broken expressions.
    for (const broken of ['sum(rate(x[5m])', 'rat(x[5m])', 'x[5 m]', 'x{a=b}', 'rate(x[5m]) >', 'rate(x[5m]) by (a)'])
      expect(checkPromQl(broken)).not.toEqual([]);
    for (const { source, expr } of dashboardExpressions()) expect({ source, problems: checkPromQl(expr) }).toEqual({ source, problems: [] });
  });
});
