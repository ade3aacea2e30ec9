import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Principal } from '@ai-commons/core';
import { JsonLogger } from '@ai-commons/observability';
import type { UsageRecorder } from '@ai-commons/quota';
import {
  ALLOW,
  GatewayError,
  composeHooks,
  type AdmissionDecision,
  type AdmissionRequest,
  type CallResult,
  type RequestHooks,
} from '@ai-commons/gateway-admission';
import type { GatewayAuthentication } from '../../src/auth/gateway-authentication';
import { createGatewayServer, type GatewayRefusalReport } from '../../src/gateway-server';
import { RoutingTable, type RouteEndpoint } from '../../src/routing/routing-table';
import { Replicas } from '../../src/upstream/replicas';

/*
 * The admission flow end to end inside the gateway server, with a real node:http upstream: hooks
 * decide, the server reports each refusal once, an admitted call's failure is answered but not
 * reported, the upstream receives the masked body while the request as sent stays as it was.
 */

const principal = { subject: 'svc', institutionId: 't1' } as Principal;
const caller = { tenantId: 't1', principal };

interface Harness {
  url: string;
  upstreamBodies: Record<string, unknown>[];
  reports: GatewayRefusalReport[];
  usage: { outcome: string; httpStatus: number }[];
  replicas: Replicas;
  upstreamStatus: { value: number };
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function harness(hooks: RequestHooks): Promise<Harness> {
  const upstreamBodies: Record<string, unknown>[] = [];
  const upstreamStatus = { value: 200 };
  const upstream = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      upstreamBodies.push(JSON.parse(raw));
      const body = JSON.stringify(
        upstreamStatus.value === 200
          ? {
              id: 'c1',
              object: 'chat.completion',
              choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
              usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
            }
          : { error: { message: 'down' } },
      );
      res.writeHead(upstreamStatus.value, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  const upstreamPort = await listen(upstream);
  const endpoint: RouteEndpoint = {
    tenantId: 't1',
    id: 'e1',
    name: 'm',
    state: 'active',
    driver: 'openai-compatible',
    targets: [{ id: 'r1', url: new URL(`http://127.0.0.1:${upstreamPort}/v1`), weight: 1 }],
    loadBalancing: 'least-outstanding',
    upstreamModel: 'up',
    azureDeployment: null,
    azureApiVersion: null,
    credential: null,
    maxRequestBytes: 1 << 20,
    maxOutputTokens: 100,
    defaultMaxTokens: 10,
    maxChoices: 1,
    allowedExtraFields: [],
    imageInputTokens: 765,
    connectTimeoutMs: 1_000,
    firstByteTimeoutMs: 2_000,
    requestTimeoutMs: 5_000,
    hosting: 'shared-infrastructure',
    region: 'KR',
    networkZone: 'internal',
    authorityConfirmationExpiresAt: null,
    createdAt: new Date(0),
  };
  const reports: GatewayRefusalReport[] = [];
  const usage: { outcome: string; httpStatus: number }[] = [];
  const replicas = new Replicas({ failureThreshold: 1, cooldownMs: 60_000, affinityMaxExcess: 8 });
  const gateway = createGatewayServer({
    authentication: { authenticate: async () => caller, isPlatformAdmin: async () => false } as unknown as GatewayAuthentication,
    table: () => new RoutingTable([endpoint], [], []),
    replicas,
    usage: {
      begin: () => ({}),
      forget: () => undefined,
      record: (record: { outcome: string; httpStatus: number }) => usage.push(record),
    } as unknown as UsageRecorder,
    hooks,
    connectRetries: 0,
    logger: new JsonLogger('test', 'error', () => undefined),
    maxBodyBytes: 1 << 20,
    maxJsonDepth: 64,
    headersTimeoutMs: 5_000,
    requestTimeoutMs: 10_000,
    ready: async () => ({ ok: true, checks: {} }),
    onRefused: (report) => {
      reports.push(report);
    },
  });
  const port = await listen(gateway);
  return {
    url: `http://127.0.0.1:${port}`,
    upstreamBodies,
    reports,
    usage,
    replicas,
    upstreamStatus,
    close: async () => {
      gateway.closeAllConnections();
      upstream.closeAllConnections();
      await Promise.all([new Promise((resolve) => gateway.close(resolve)), new Promise((resolve) => upstream.close(resolve))]);
    },
  };
}

async function chat(url: string, content = 'hello') {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content }] }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
}

/** A hook that remembers the facts it was given and answers with `decide`. */
function recording(decide: (request: AdmissionRequest) => AdmissionDecision, seen: AdmissionRequest[] = []): RequestHooks {
  return { decide: async (request) => (seen.push(request), decide(request)) };
}

describe('gateway admission flow', () => {
  let gateway: Harness | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('a refusal with a decision record is reported once, with the request facts; the upstream is never called; the breaker is untouched', async () => {
    const record = { dataClassification: 'personal-credit', policyDecision: 'deny:r1@v1', details: { code: 'data_policy_denied' } };
    const error = new GatewayError(403, 'permission_error', 'data_policy_denied', 'denied');
    const completed: CallResult[] = [];
    gateway = await harness(
      composeHooks(
        recording(() => ({ decision: 'allow', admission: { complete: (result) => completed.push(result) } })),
        recording(() => ({ decision: 'refuse', refusal: { error, record } })),
      ),
    );
    const answer = await chat(gateway.url);
    expect(answer).toMatchObject({ status: 403, body: { error: { code: 'data_policy_denied' } } });
    expect(gateway.reports).toHaveLength(1);
    expect(gateway.reports[0]).toMatchObject({
      status: 403,
      code: 'data_policy_denied',
      path: '/v1/chat/completions',
      atAdmission: { record, request: { requestId: expect.any(String), endpoint: { id: 'e1' } } },
    });
    expect(gateway.upstreamBodies).toHaveLength(0);
    expect(gateway.usage).toHaveLength(0);
    expect(completed).toEqual([expect.objectContaining({ outcome: 'rejected', httpStatus: 403 })]);
    expect(gateway.replicas.breakerStates()[0]?.state).toBe('closed');
  });

  it('a refusal without a record (quota) is reported once, as before admission', async () => {
    const error = new GatewayError(429, 'rate_limit_error', 'quota_exceeded', 'slow down', null, { 'retry-after': '2' });
    gateway = await harness(recording(() => ({ decision: 'refuse', refusal: { error } })));
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(gateway.reports).toEqual([expect.objectContaining({ status: 429, code: 'quota_exceeded', atAdmission: undefined })]);
  });

  it('the upstream receives the masked body; the facts the hooks saw are frozen and stay as the caller sent them', async () => {
    const seen: AdmissionRequest[] = [];
    const masked = { model: 'm', messages: [{ role: 'user', content: 'h***o' }] };
    const labels = { dataClassification: 'internal', policyDecision: 'mask:pii.mask@v1 rrn×1' };
    gateway = await harness(
      composeHooks(
        recording(() => ({ decision: 'mask', body: masked, labels }), seen),
        recording(() => ALLOW, seen),
      ),
    );
    const answer = await chat(gateway.url, 'hello');
    expect(answer.status).toBe(200);
    expect(gateway.upstreamBodies[0]).toMatchObject({ messages: [{ role: 'user', content: 'h***o' }], max_tokens: 10 });
    expect(masked).toEqual({ model: 'm', messages: [{ role: 'user', content: 'h***o' }] });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(Object.isFrozen(seen[0])).toBe(true);
    expect(seen[0]!.body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hello' }] });
    expect(gateway.reports).toHaveLength(0);
  });

  it("an admitted call's upstream failure is answered and counted by the breaker once, but reported as no refusal", async () => {
    const completed: CallResult[] = [];
    gateway = await harness(recording(() => ({ decision: 'allow', admission: { complete: (result) => completed.push(result) } })));
    gateway.upstreamStatus.value = 500;
    const answer = await chat(gateway.url);
    expect(answer).toMatchObject({ status: 502, body: { error: { code: 'upstream_error' } } });
    expect(gateway.reports).toHaveLength(0);
    expect(completed).toEqual([expect.objectContaining({ outcome: 'upstream_error', httpStatus: 502 })]);
    expect(gateway.usage).toEqual([expect.objectContaining({ outcome: 'upstream_error', httpStatus: 502 })]);
    // Threshold 1: that one failure opened the circuit; the next request is refused before admission, and reported.
    expect(gateway.replicas.breakerStates()[0]?.state).toBe('open');
    expect((await chat(gateway.url)).body.error?.code).toBe('upstream_unavailable');
    expect(gateway.reports).toEqual([expect.objectContaining({ status: 503, code: 'upstream_unavailable' })]);
  });

  it('a hook that throws is an unexpected failure: answered 500, reported once, the breaker trial released', async () => {
    gateway = await harness({
      decide: async () => {
        throw new Error('bug');
      },
    });
    const answer = await chat(gateway.url);
    expect(answer).toMatchObject({ status: 500, body: { error: { code: 'internal_error' } } });
    expect(gateway.reports).toEqual([expect.objectContaining({ status: 500, code: 'internal_error' })]);
    expect(gateway.replicas.breakerStates()[0]?.state).toBe('closed');
  });
});
