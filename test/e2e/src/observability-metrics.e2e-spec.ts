import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import OpenAI from 'openai';
import { withPg } from '@ai-commons/testing';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { e2eDatabase, startControlPlane, startGateway } from './support/environment';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';
import { createPoolFixture } from './support/quota-fixtures';
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

/** The value of one sample, by its exact label set (NaN when absent). */
function sampleOf(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}} `));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Issue 15: both services serve /metrics on their management port; the deploy files use only what they export. */
describe('observability: metrics of the running services', () => {
  let controlPlane: ControlPlane;
  let gateway: Gateway;
  let simulator: SimulatorProcess;
  let key: string;
  let pool: { name: string };
  const tightStatuses: number[] = [];
  const isolationRunId = randomUUID();

  beforeAll(async () => {
    void e2eDatabase();
    // A finished isolation run with one check failing (removed after): the per-check gauges read it.
    await withPg(e2eDatabase().superuserUrl, async (client) => {
      await client.query(
        `insert into isolation_runs (id, trigger, requested_by, status, started_at, finished_at, summary)
         values ($1, 'on-demand', 'metrics-e2e', 'failed', now() + interval '1 hour', now() + interval '1 hour', '{}')`,
        [isolationRunId],
      );
      await client.query(
        `insert into isolation_check_results (run_id, check_id, title, concern, status, summary, evidence, duration_ms)
         values ($1, 'rls.tenant-tables', 't', 'c', 'fail', 's', '{}', 1), ($1, 'not.a-known-check', 't', 'c', 'pass', 's', '{}', 1)`,
        [isolationRunId],
      );
    });
    controlPlane = await startControlPlane({}, { metricsPort: await freePort() });
    simulator = await startSimulatorProcess(['--models', 'sim-metrics', '--output-tokens', '5']);
    const endpoint = await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'metrics-llm', upstreamUrl: simulator.url, upstreamModel: 'sim-metrics' });
    // Its own offering, whose authority confirmation ends in 10 days (the shared fixture offering stays as it is).
    await withPg(e2eDatabase().superuserUrl, async (client) => {
      const model = await client.query(
        `insert into models (name, family, kind, provider, licence, context_window) values ($1, 'fixture', 'open', 'ai-commons tests', 'test', 8192) returning id`,
        [`metrics-model-${isolationRunId.slice(0, 8)}`],
      );
      const offering = await client.query(
        `insert into model_offerings (model_id, hosting, region, network_zone, operator, authority_confirmation_ref, authority_confirmation_expires_at)
         values ($1, 'shared-infrastructure', 'KR', 'internal', 'tests', 'metrics-e2e', now() + interval '10 days') returning id`,
        [model.rows[0].id],
      );
      await client.query('update endpoints set offering_id = $2 where id = $1', [endpoint.id, offering.rows[0].id]);
    });
    // A pool of two requests a minute: the third call is refused for its rate.
    const tight = await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'metrics-tight', upstreamUrl: simulator.url, upstreamModel: 'sim-metrics' });
    pool = await createPoolFixture({
      capacity: { tokensPerMinute: 1_000_000, requestsPerMinute: 2, concurrentRequests: 10 },
      endpointIds: [tight.id],
      members: [{ slug: 'hanbit-bank' }],
    });
    key = (await createApiKeyFixture('hanbit-bank')).secret;
    gateway = await startGateway({}, { metricsPort: await freePort() });
    // Before any scrape: the quota standings are read at scrape time and cached for a few seconds.
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
    for (let i = 0; i < 4; i++) {
      tightStatuses.push(
        await client.chat.completions
          .create({ model: 'metrics-tight', messages: [{ role: 'user', content: 'hi' }] })
          .then(() => 200)
          .catch((error: { status?: number }) => error.status ?? 0),
      );
    }
  });
  afterAll(async () => {
    await gateway?.close();
    await simulator?.stop();
    await controlPlane?.close();
    await withPg(e2eDatabase().superuserUrl, async (client) => {
      await client.query('delete from isolation_check_results where run_id = $1', [isolationRunId]);
      await client.query('delete from isolation_runs where id = $1', [isolationRunId]);
    });
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

  it("exports each pool member's guarantee, use, borrowing and lending, and 429s by their reason", async () => {
    expect(tightStatuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(tightStatuses).toContain(429);
    const text = await scrape(gateway.metricsUrl);
    const admitted = tightStatuses.filter((status) => status === 200).length;
    const member = `pool="${pool.name}",institution="hanbit-bank",dimension="requests_per_minute",service="gateway"`;
    expect(sampleOf(text, 'ai_commons_quota_guaranteed', member)).toBeCloseTo(1.8);
    expect(sampleOf(text, 'ai_commons_quota_in_use', member)).toBe(admitted);
    expect(sampleOf(text, 'ai_commons_quota_borrowed', member)).toBeCloseTo(Math.max(0, admitted - 1.8));
    expect(sampleOf(text, 'ai_commons_quota_lent', member)).toBe(0);
    expect(sampleOf(text, 'ai_commons_quota_utilisation_ratio', member)).toBeCloseTo(admitted / 1.8);
    expect(sampleOf(text, 'ai_commons_quota_pool_utilisation_ratio', `pool="${pool.name}",dimension="requests_per_minute",service="gateway"`)).toBeCloseTo(
      admitted / 2,
    );
    expect(text).toMatch(/ai_commons_gateway_throttled_total\{reason="rate",service="gateway"\} [1-9]/);
  });

  it('counts policy decisions by rule and action and PII findings by detector, never the text', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
    await client.chat.completions
      .create({ model: 'metrics-llm', messages: [{ role: 'user', content: '고객 주민번호 900101-1234568 확인' }] })
      .catch(() => undefined);
    const text = await scrape(gateway.metricsUrl);
    expect(text).toMatch(/ai_commons_gateway_policy_decisions_total\{rule="[^"]+",action="(allow|mask|deny)",service="gateway"\} [1-9]/);
    expect(text).toMatch(/ai_commons_gateway_pii_findings_total\{detector="rrn",service="gateway"\} [1-9]/);
    expect(text).not.toContain('900101');
    expect(text).toMatch(/ai_commons_gateway_upstream_duration_seconds_count\{[^}]*endpoint="metrics-llm"[^}]*\} [1-9]/);
  });

  it('exports regulatory deadlines, reload failures, key fetches and the database pool of the gateway', async () => {
    const text = await scrape(gateway.metricsUrl);
    expect(text).toMatch(/ai_commons_authority_confirmations_expiring\{institution="hanbit-bank",service="gateway"\} [1-9]/);
    const next = /ai_commons_authority_confirmation_next_expiry_seconds\{institution="hanbit-bank",service="gateway"\} ([\d.e+]+)/.exec(text);
    expect(Number(next?.[1])).toBeLessThanOrEqual(10 * 86_400);
    expect(text).toMatch(/ai_commons_gateway_reload_failures_total\{table="use-cases",service="gateway"\} 0/);
    expect(text).toMatch(/ai_commons_keycloak_key_fetch_failures_total\{service="gateway"\} \d/);
    expect(text).toMatch(/ai_commons_db_pool_connections\{state="total",service="gateway"\} [1-9]/);
    expect(text).toMatch(/ai_commons_audit_events_written_total\{service="gateway"\} [1-9]/);
    expect(text).toMatch(/ai_commons_audit_commit_duration_seconds_count\{service="gateway"\} [1-9]/);
  });

  it("exports the audit backlog and each known isolation check's latest result from the control plane", async () => {
    const text = await scrape(controlPlane.metricsUrl);
    expect(text).toMatch(/ai_commons_audit_events_unsequenced\{service="control-plane"\} \d/);
    expect(text).toMatch(/ai_commons_isolation_check_status\{check="rls.tenant-tables",status="fail",service="control-plane"\} 1/);
    expect(text).toMatch(/ai_commons_isolation_check_status\{check="rls.tenant-tables",status="pass",service="control-plane"\} 0/);
    expect(text).toMatch(/ai_commons_isolation_last_run_status\{status="failed",service="control-plane"\} 1/);
    expect(text).toMatch(/ai_commons_isolation_last_run_timestamp_seconds\{service="control-plane"\} \d/);
    expect(text).not.toContain('not.a-known-check');
    expect(text).toMatch(/ai_commons_keycloak_key_fetches_total\{service="control-plane"\} \d/);
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
