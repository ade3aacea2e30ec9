import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { EndpointHealthProber } from '@ai-commons/catalog';
import {
  CatalogClient,
  CHANGE_STATE,
  CREATE_ENDPOINT,
  auditCount,
  endpointInput,
  freshOffering,
  institutionIds,
  startCatalogControlPlane,
  superuserQuery,
  unique,
} from './catalog-fixtures';

interface SeenRequest {
  method?: string;
  url?: string;
  authorization?: string;
  apiKey?: string;
}

/** A tiny upstream: /v1/models and the Azure listing answer 200, /failing/* 503, /stalled/* never. */
async function startUpstream(): Promise<{ url: string; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, apiKey: req.headers['api-key'] as string | undefined });
    if (req.url?.startsWith('/stalled/')) return; // never answers
    if (req.url?.startsWith('/failing/')) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"overloaded"}');
      return;
    }
    if (req.url === '/v1/models' || req.url?.startsWith('/openai/models?api-version=')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[{"id":"test-upstream-model","object":"model"}]}');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function healthOf(id: string): Promise<{ health: string; health_detail: string | null; health_checked_at: Date | null }> {
  const [row] = await superuserQuery('select health, health_detail, health_checked_at from endpoints where id = $1', [id]);
  return row;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('endpoint health prober', () => {
  let controlPlane: ControlPlane;
  const client = new CatalogClient(() => controlPlane.url);
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let ids: Record<string, string>;
  let offeringId: string;
  const endpoints: Record<string, string> = {};
  const credential = `sk-${unique('probe-credential')}`;

  beforeAll(async () => {
    upstream = await startUpstream();
    controlPlane = await startCatalogControlPlane({ CATALOG_HEALTH_PROBE_INTERVAL_MS: '400' });
    ids = await institutionIds();
    ({ offeringId } = await freshOffering(client, 'health'));
    const create = async (key: string, extra: Record<string, unknown>) => {
      const input = endpointInput(ids['hanbit-bank'], offeringId, { name: unique(key), ...extra });
      endpoints[key] = (await client.ok('platform-admin', CREATE_ENDPOINT, { input })).createEndpoint.id;
    };
    await create('reachable', { upstreamUrl: upstream.url, credential });
    await create('azure', {
      upstreamUrl: upstream.url,
      driver: 'azure_openai',
      azureDeployment: 'gpt-4o',
      azureApiVersion: '2024-10-21',
      credential: `${credential}-azure`,
    });
    await create('unreachable', { upstreamUrl: `http://127.0.0.1:${await closedPort()}`, driver: 'openai_compatible' });
    await create('failing', { upstreamUrl: `${upstream.url}/failing` });
    await create('retired', { upstreamUrl: upstream.url });
    await client.ok('platform-admin', CHANGE_STATE, { id: endpoints.retired, state: 'retired', reason: 'never used' });
  });
  afterAll(async () => {
    await controlPlane?.close();
    await upstream?.close();
  });

  it('marks a reachable upstream healthy and an unreachable one unhealthy, on its own schedule', async () => {
    await until(async () => (await healthOf(endpoints.reachable)).health === 'healthy' && (await healthOf(endpoints.unreachable)).health === 'unhealthy');
    const reachable = await healthOf(endpoints.reachable);
    expect(reachable.health_detail).toMatch(/^HTTP 200 in \d+ ms$/);
    expect(reachable.health_checked_at).not.toBeNull();
    expect((await healthOf(endpoints.unreachable)).health_detail).toMatch(/unreachable: ECONNREFUSED/);
    await until(async () => (await healthOf(endpoints.failing)).health === 'unhealthy');
    expect((await healthOf(endpoints.failing)).health_detail).toMatch(/^HTTP 503/);
    await until(async () => (await healthOf(endpoints.azure)).health === 'healthy');

    // It probed GET /v1/models with the endpoint's own (decrypted) credential, Azure with api-key.
    expect(upstream.seen).toContainEqual(expect.objectContaining({ method: 'GET', url: '/v1/models', authorization: `Bearer ${credential}` }));
    expect(upstream.seen).toContainEqual(
      expect.objectContaining({ method: 'GET', url: '/openai/models?api-version=2024-10-21', apiKey: `${credential}-azure` }),
    );
    // Retired endpoints are left alone.
    expect(await healthOf(endpoints.retired)).toMatchObject({ health: 'unknown', health_checked_at: null });

    // Members see the result; the change of health was audited.
    const seen = await client.ok('hanbit-bank-analyst', `query($id: ID!) { endpoint(id: $id) { health healthDetail healthCheckedAt } }`, {
      id: endpoints.reachable,
    });
    expect(seen.endpoint).toMatchObject({ health: 'healthy' });
    expect(seen.endpoint.healthCheckedAt).not.toBeNull();
    const unhealthy = await client.ok('hanbit-bank-admin', `{ endpoints(first: 100, health: unhealthy) { edges { node { id } } } }`);
    expect(unhealthy.endpoints.edges.map((edge: any) => edge.node.id)).toEqual(expect.arrayContaining([endpoints.unreachable, endpoints.failing]));
    expect(await auditCount('endpoint.health-change', endpoints.reachable)).toBe(1);
    // Repeated rounds move health_checked_at on without auditing again.
    const checkedAt = (await healthOf(endpoints.reachable)).health_checked_at!;
    await until(async () => (await healthOf(endpoints.reachable)).health_checked_at!.getTime() > checkedAt.getTime());
    expect(await auditCount('endpoint.health-change', endpoints.reachable)).toBe(1);
  });

  it('a silent upstream times out as unhealthy; a recovered one turns healthy again', async () => {
    const prober = controlPlane.app.get(EndpointHealthProber);
    const silent = (
      await client.ok('platform-admin', CREATE_ENDPOINT, {
        input: endpointInput(ids['nuri-insurance'], offeringId, { upstreamUrl: `${upstream.url}/stalled` }),
      })
    ).createEndpoint.id;
    const results = await prober.probeAll(300);
    expect(results.find((result) => result.endpointId === silent)).toMatchObject({ health: 'unhealthy', detail: 'no answer within 300 ms' });
    expect((await healthOf(silent)).health).toBe('unhealthy');

    await superuserQuery(`update endpoint_targets set url = $1 where endpoint_id = $2`, [upstream.url, silent]);
    await prober.probeAll(2_000);
    expect((await healthOf(silent)).health).toBe('healthy');
  });

  it('stops probing when the control plane closes', async () => {
    const prober = controlPlane.app.get(EndpointHealthProber);
    expect(prober.isRunning).toBe(true);
    await controlPlane.close();
    expect(prober.isRunning).toBe(false);
    const count = upstream.seen.length;
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(upstream.seen.length).toBe(count);
    controlPlane = undefined as unknown as ControlPlane;
  });
});
