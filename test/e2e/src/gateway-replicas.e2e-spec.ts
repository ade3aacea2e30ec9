import net from 'node:net';
import OpenAI from 'openai';
import { withPg } from '@ai-commons/testing';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { e2eDatabase, eventually, startControlPlane, startGateway } from './support/environment';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type Stats = { started: number; served: { total: number }; prefixCache: { hits: number; misses: number } };

describe('gateway over several replicas of an endpoint', () => {
  let controlPlane: ControlPlane;
  let replicas: SimulatorProcess[];
  let gateway: Gateway;
  let key: string;

  const started = async () => Promise.all(replicas.map(async (replica) => ((await replica.stats()) as unknown as Stats).started));
  const since = async (before: number[]) => (await started()).map((count, index) => count - before[index]);

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    replicas = await Promise.all(
      [0, 1, 2].map(() =>
        startSimulatorProcess(['--models', 'sim-replica', '--output-tokens', '4', '--prefix-cache-entries', '4', '--ttft-ms', '40', '--cached-ttft-ms', '5']),
      ),
    );
    const [a, b, c] = replicas.map((replica) => replica.url);
    const upstreamModel = 'sim-replica';
    const limits = { connect_timeout_ms: 300, first_byte_timeout_ms: 2_000 };
    await createEndpointFixture({
      tenantSlug: 'gaon-securities',
      name: 'rep-spread',
      upstreamUrl: a,
      moreTargets: [{ url: b }, { url: c }],
      upstreamModel,
      limits,
    });
    await createEndpointFixture({
      tenantSlug: 'gaon-securities',
      name: 'rep-weighted',
      upstreamUrl: a,
      moreTargets: [{ url: b, weight: 3 }],
      loadBalancing: 'round-robin',
      upstreamModel,
      limits,
    });
    await createEndpointFixture({ tenantSlug: 'gaon-securities', name: 'rep-eject', upstreamUrl: a, moreTargets: [{ url: b }], upstreamModel, limits });
    await createEndpointFixture({
      tenantSlug: 'gaon-securities',
      name: 'rep-refused',
      upstreamUrl: `http://127.0.0.1:${await closedPort()}`,
      moreTargets: [{ url: c }],
      upstreamModel,
      limits,
    });
    await createEndpointFixture({ tenantSlug: 'gaon-securities', name: 'rep-drain', upstreamUrl: a, moreTargets: [{ url: b }], upstreamModel, limits });
    await createEndpointFixture({
      tenantSlug: 'gaon-securities',
      name: 'rep-affinity',
      upstreamUrl: a,
      moreTargets: [{ url: b }, { url: c }],
      loadBalancing: 'prefix-affinity',
      upstreamModel,
      limits,
    });
    await createEndpointFixture({
      tenantSlug: 'gaon-securities',
      name: 'rep-all-down',
      upstreamUrl: `http://127.0.0.1:${await closedPort()}`,
      moreTargets: [{ url: `http://127.0.0.1:${await closedPort()}` }],
      upstreamModel,
      limits,
    });
    key = (await createApiKeyFixture('gaon-securities')).secret;
    gateway = await startGateway({ GATEWAY_BREAKER_FAILURES: '2', GATEWAY_BREAKER_COOLDOWN_MS: '1500', GATEWAY_CONNECT_RETRIES: '1' });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all((replicas ?? []).map((replica) => replica.stop()));
    await controlPlane?.close();
  });
  beforeEach(() => Promise.all(replicas.map((replica) => replica.configure({ errorRate: 0 }))));

  const openai = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
  const ask = (model: string, content = 'hello', system?: string) =>
    openai().chat.completions.create({
      model,
      messages: system
        ? [
            { role: 'system', content: system },
            { role: 'user', content },
          ]
        : [{ role: 'user', content }],
    });

  it('spreads concurrent requests over every replica (least outstanding)', async () => {
    const before = await started();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => ask('rep-spread', `q${i}`)));
    expect(answers.every((answer) => typeof answer.choices[0].message.content === 'string')).toBe(true);
    const spread = await since(before);
    expect(spread.reduce((sum, count) => sum + count, 0)).toBe(30);
    // Each replica took a fair share of the in-flight work.
    for (const count of spread) expect(count).toBeGreaterThanOrEqual(5);
  });

  it('respects weights (weighted round-robin 1:3)', async () => {
    const before = await started();
    for (let i = 0; i < 8; i++) await ask('rep-weighted', `w${i}`);
    expect((await since(before)).slice(0, 2)).toEqual([2, 6]);
  });

  it('ejects a failing replica after consecutive failures, serves from the others, and probes it back', async () => {
    await replicas[1].configure({ errorRate: 1, errorStatus: 500 });
    // Failures reach the caller (the replica may have started the work: never retried) until B is ejected.
    let failures = 0;
    let successes = 0;
    for (let i = 0; i < 8 && failures < 2; i++) {
      await ask('rep-eject', `e${i}`).then(
        () => successes++,
        (error) => {
          expect(error).toMatchObject({ status: 502, code: 'upstream_error' });
          failures++;
        },
      );
    }
    expect(failures).toBe(2);
    expect(successes).toBeLessThanOrEqual(2);
    // Ejected: every request goes to A while B's cooldown runs.
    const ejected = await started();
    for (let i = 0; i < 4; i++) await ask('rep-eject', `after${i}`);
    expect((await since(ejected)).slice(0, 2)).toEqual([4, 0]);

    await replicas[1].configure({ errorRate: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const recovered = await started();
    for (let i = 0; i < 6; i++) await Promise.all([ask('rep-eject', `r${i}`), ask('rep-eject', `r${i}b`)]);
    expect((await since(recovered))[1]).toBeGreaterThan(0);
  });

  it('retries a connection refused on another replica: the caller never sees it', async () => {
    const before = await started();
    for (let i = 0; i < 6; i++) expect((await ask('rep-refused', `c${i}`)).choices[0].message.content).toEqual(expect.any(String));
    expect((await since(before))[2]).toBe(6);
  });

  it('is unavailable (503, Retry-After) only when every replica is down', async () => {
    await expect(ask('rep-all-down')).rejects.toMatchObject({ status: 502, code: 'upstream_unreachable' });
    await expect(ask('rep-all-down')).rejects.toMatchObject({ status: 502 });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'rep-all-down', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await response.json()) as any).error.code).toBe('upstream_unavailable');
  });

  it('sends a drained replica no new requests', async () => {
    const { endpointId, tenantId } = await tenantOf('rep-drain');
    await withPg(e2eDatabase().superuserUrl, (pg) =>
      pg.query(`update endpoint_targets set state = 'draining' where endpoint_id = $1 and url = $2`, [endpointId, replicas[0].url]),
    );
    await gateway.routing.reload();
    await eventually(() => gateway.routing.table().endpoint(tenantId, 'rep-drain')?.targets.length === 1);
    const before = await started();
    await Promise.all(Array.from({ length: 8 }, (_, i) => ask('rep-drain', `d${i}`)));
    expect((await since(before)).slice(0, 2)).toEqual([0, 8]);
  });

  it('prefix affinity: questions under one system prompt go to one replica, whose prefix cache then hits', async () => {
    await Promise.all(replicas.map((replica) => fetch(`${replica.url}/_sim/stats/reset`, { method: 'POST' })));
    const systems = ['You are the compliance assistant of a bank. ', 'You answer card customers politely. '].map((s) => s.repeat(20));
    const before = await started();
    for (let i = 0; i < 10; i++) await ask('rep-affinity', `question ${i}`, systems[0]);
    const first = await since(before);
    expect(first.filter((count) => count > 0)).toEqual([10]);
    for (let i = 0; i < 10; i++) await ask('rep-affinity', `question ${i}`, systems[1]);
    const stats = (await Promise.all(replicas.map((replica) => replica.stats()))) as unknown as Stats[];
    const hits = stats.reduce((sum, s) => sum + s.prefixCache.hits, 0);
    const misses = stats.reduce((sum, s) => sum + s.prefixCache.misses, 0);
    expect({ hits, misses }).toEqual({ hits: 18, misses: 2 });
  });

  const tenantOfCache = new Map<string, { tenantId: string; endpointId: string }>();
  async function tenantOf(name: string): Promise<{ tenantId: string; endpointId: string }> {
    if (!tenantOfCache.has(name)) {
      const [row] = await withPg(
        e2eDatabase().superuserUrl,
        async (pg) => (await pg.query('select tenant_id, id from endpoints where name = $1', [name])).rows,
      );
      tenantOfCache.set(name, { tenantId: row.tenant_id, endpointId: row.id });
    }
    return tenantOfCache.get(name)!;
  }
});
