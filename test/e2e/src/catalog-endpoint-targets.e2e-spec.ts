import net from 'node:net';
import { createServer, type Server } from 'node:http';
import { errorCodes } from '@ai-commons/testing';
import { EndpointHealthProber } from '@ai-commons/catalog';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import {
  CatalogClient,
  CREATE_ENDPOINT,
  auditCount,
  endpointInput,
  freshOffering,
  institutionIds,
  startCatalogControlPlane,
  superuserQuery,
} from './catalog-fixtures';

const TARGETS = 'id upstreamUrl loadBalancing health healthDetail targets { id url weight state health healthDetail healthCheckedAt }';
const ADD = `mutation($endpointId: ID!, $url: String!, $weight: Int) { addEndpointTarget(endpointId: $endpointId, url: $url, weight: $weight) { ${TARGETS} } }`;
const WEIGHT = `mutation($id: ID!, $weight: Int!) { setEndpointTargetWeight(id: $id, weight: $weight) { ${TARGETS} } }`;
const DRAIN = `mutation($id: ID!) { drainEndpointTarget(id: $id) { ${TARGETS} } }`;
const ACTIVATE = `mutation($id: ID!) { activateEndpointTarget(id: $id) { ${TARGETS} } }`;
const REMOVE = `mutation($id: ID!) { removeEndpointTarget(id: $id) { ${TARGETS} } }`;
const BALANCING = `mutation($id: ID!, $mode: LoadBalancing!) { setEndpointLoadBalancing(id: $id, mode: $mode) { ${TARGETS} } }`;
const BY_ID = `query($id: ID!) { endpoint(id: $id) { ${TARGETS} } }`;

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('endpoint targets (replicas) over GraphQL', () => {
  let controlPlane: ControlPlane;
  const client = new CatalogClient(() => controlPlane.url);
  let ids: Record<string, string>;
  let offeringId: string;
  let upstream: Server;
  let upstreamUrl: string;

  beforeAll(async () => {
    upstream = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
    controlPlane = await startCatalogControlPlane();
    ids = await institutionIds();
    ({ offeringId } = await freshOffering(client, 'targets'));
  });
  afterAll(async () => {
    await controlPlane.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  const create = async (upstream = 'http://127.0.0.1:9/') =>
    (await client.ok('platform-admin', CREATE_ENDPOINT, { input: endpointInput(ids['hanbit-bank'], offeringId, { upstreamUrl: upstream }) })).createEndpoint
      .id as string;

  it('an endpoint starts with its upstream URL as its one target; admins add, reweigh, drain, reactivate and remove replicas, each audited', async () => {
    const id = await create();
    const initial = (await client.ok('platform-admin', BY_ID, { id })).endpoint;
    expect(initial).toMatchObject({ upstreamUrl: 'http://127.0.0.1:9', loadBalancing: 'least_outstanding' });
    expect(initial.targets).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:9', weight: 1, state: 'active', health: 'unknown' })]);

    const added = (await client.ok('platform-admin', ADD, { endpointId: id, url: 'http://10.0.0.2:8000/', weight: 3 })).addEndpointTarget;
    expect(added.targets.map((t: any) => [t.url, t.weight, t.state])).toEqual([
      ['http://127.0.0.1:9', 1, 'active'],
      ['http://10.0.0.2:8000', 3, 'active'],
    ]);
    const [first, second] = added.targets.map((t: any) => t.id as string);
    expect((await client.ok('platform-admin', WEIGHT, { id: second, weight: 5 })).setEndpointTargetWeight.targets[1].weight).toBe(5);
    expect((await client.ok('platform-admin', DRAIN, { id: first })).drainEndpointTarget.targets[0].state).toBe('draining');
    // The drained target no longer gives the endpoint's upstreamUrl.
    expect((await client.ok('platform-admin', BY_ID, { id })).endpoint.upstreamUrl).toBe('http://10.0.0.2:8000');
    expect((await client.ok('platform-admin', ACTIVATE, { id: first })).activateEndpointTarget.targets[0].state).toBe('active');
    await client.ok('platform-admin', DRAIN, { id: first });
    const removed = (await client.ok('platform-admin', REMOVE, { id: first })).removeEndpointTarget;
    expect(removed.targets.map((t: any) => t.id)).toEqual([second]);
    expect((await client.ok('platform-admin', BALANCING, { id, mode: 'prefix_affinity' })).setEndpointLoadBalancing.loadBalancing).toBe('prefix_affinity');

    expect(await auditCount('endpoint.target-add', id)).toBe(1);
    expect(await auditCount('endpoint.target-update', id)).toBe(4);
    expect(await auditCount('endpoint.target-remove', id)).toBe(1);
    expect(await auditCount('endpoint.load-balancing-update', id)).toBe(1);
  });

  it('refuses bad input with BAD_USER_INPUT and a reason, broken rules with CONFLICT, and changes nothing', async () => {
    const id = await create();
    const [only] = (await client.ok('platform-admin', BY_ID, { id })).endpoint.targets.map((t: any) => t.id);
    const cases: [string, Record<string, unknown>, string, string][] = [
      [ADD, { endpointId: id, url: 'ftp://files.example' }, 'BAD_USER_INPUT', 'INVALID_UPSTREAM_URL'],
      [ADD, { endpointId: id, url: 'not a url' }, 'BAD_USER_INPUT', 'INVALID_UPSTREAM_URL'],
      [ADD, { endpointId: id, url: 'http://user:secret@10.0.0.3' }, 'BAD_USER_INPUT', 'INVALID_UPSTREAM_URL'],
      [ADD, { endpointId: id, url: 'http://10.0.0.3', weight: 0 }, 'BAD_USER_INPUT', 'INVALID_TARGET_WEIGHT'],
      [ADD, { endpointId: id, url: 'http://10.0.0.3', weight: 1001 }, 'BAD_USER_INPUT', 'INVALID_TARGET_WEIGHT'],
      [ADD, { endpointId: id, url: 'http://127.0.0.1:9/' }, 'CONFLICT', 'TARGET_URL_TAKEN'],
      [ADD, { endpointId: '00000000-0000-4000-8000-000000000000', url: 'http://10.0.0.3' }, 'NOT_FOUND', 'ENDPOINT_NOT_FOUND'],
      [WEIGHT, { id: only, weight: -5 }, 'BAD_USER_INPUT', 'INVALID_TARGET_WEIGHT'],
      [DRAIN, { id: only }, 'CONFLICT', 'LAST_ACTIVE_TARGET'],
      [REMOVE, { id: only }, 'CONFLICT', 'LAST_ACTIVE_TARGET'],
      [ACTIVATE, { id: only }, 'CONFLICT', 'ILLEGAL_STATE_TRANSITION'],
      [DRAIN, { id: 'not-a-uuid' }, 'BAD_USER_INPUT', 'INVALID_ID'],
      [DRAIN, { id: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', 'TARGET_NOT_FOUND'],
    ];
    for (const [mutation, variables, code, reason] of cases) {
      expect({ variables, codes: errorCodes(await client.gql('platform-admin', mutation, variables)) }).toEqual({ variables, codes: [{ code, reason }] });
    }
    // A value GraphQL itself cannot take (not an enum member) is bad input as well.
    expect(errorCodes(await client.gql('platform-admin', BALANCING, { id, mode: 'random' }))[0].code).toBe('BAD_USER_INPUT');
    const rows = await superuserQuery('select url, weight, state from endpoint_targets where endpoint_id = $1', [id]);
    expect(rows).toEqual([{ url: 'http://127.0.0.1:9', weight: 1, state: 'active' }]);
    expect(await auditCount('endpoint.target-add', id)).toBe(0);
  });

  it('only platform admins change targets; members see them without their URLs', async () => {
    const id = await create();
    for (const caller of ['hanbit-bank-admin', 'hanbit-bank-analyst', 'regulator'] as const) {
      expect(errorCodes(await client.gql(caller, ADD, { endpointId: id, url: 'http://10.0.0.9' }))[0].code).toBe('FORBIDDEN');
    }
    const seen = (await client.ok('hanbit-bank-analyst', BY_ID, { id })).endpoint;
    expect(seen.targets).toEqual([expect.objectContaining({ url: null, healthDetail: null, weight: 1, state: 'active' })]);
    expect((await client.ok('hanbit-bank-admin', BY_ID, { id })).endpoint.targets[0].url).toBe('http://127.0.0.1:9');
  });

  it('the health prober checks every replica; the endpoint is healthy while one active replica is', async () => {
    const id = await create(upstreamUrl);
    const down = `http://127.0.0.1:${await closedPort()}`;
    await client.ok('platform-admin', ADD, { endpointId: id, url: down });
    await controlPlane.app.get(EndpointHealthProber).probeAll(2_000);
    const endpoint = (await client.ok('platform-admin', BY_ID, { id })).endpoint;
    expect(endpoint.health).toBe('healthy');
    expect(endpoint.healthDetail).toMatch(/^1 of 2 active replicas healthy; one failing: unreachable: ECONNREFUSED/);
    expect(endpoint.targets.map((t: any) => t.health)).toEqual(['healthy', 'unhealthy']);
    expect(endpoint.targets[0].healthDetail).toMatch(/^HTTP 200 in \d+ ms$/);
    expect(endpoint.targets[1].healthCheckedAt).toEqual(expect.any(String));
  });
});
