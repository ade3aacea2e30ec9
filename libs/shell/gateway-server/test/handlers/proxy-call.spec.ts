import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '@ai-commons/core';
import { JsonLogger } from '@ai-commons/observability';
import { GatewayError } from '../../src/http/openai-error';
import { NO_REQUEST_HOOKS } from '@ai-commons/gateway-admission';
import { RoutingTable, type RouteEndpoint } from '../../src/routing/routing-table';
import { ReplicaLease, Replicas } from '../../src/upstream/replicas';
import type { UsageRecorder } from '@ai-commons/quota';
import { proxyCall, type ProxyCall, type ProxyDependencies } from '../../src/handlers/proxy-call';

// Building the upstream request fails while `failBuild` is set (as JSON.stringify does on a body
// too deep for the stack); otherwise the real builder runs.
let failBuild = false;
jest.mock('../../src/upstream/upstream-request', () => {
  const actual = jest.requireActual('../../src/upstream/upstream-request');
  return {
    ...actual,
    buildUpstreamPayload: (...args: unknown[]) => {
      if (failBuild) throw new RangeError('Maximum call stack size exceeded');
      return actual.buildUpstreamPayload(...args);
    },
  };
});

const endpoint: RouteEndpoint = {
  tenantId: 't1',
  id: 'e1',
  name: 'm',
  state: 'active',
  driver: 'openai-compatible',
  targets: [{ id: 'r1', url: new URL('http://127.0.0.1:9'), weight: 1 }],
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
  connectTimeoutMs: 100,
  firstByteTimeoutMs: 100,
  requestTimeoutMs: 1_000,
  hosting: 'shared-infrastructure',
  region: 'KR',
  networkZone: 'internal',
  authorityConfirmationExpiresAt: null,
  createdAt: new Date(0),
};

describe('proxyCall: a request that cannot be built for the upstream', () => {
  afterEach(() => (failBuild = false));

  it("is the gateway's failure (500), never counted against the replica's circuit breaker", async () => {
    failBuild = true;
    const replicas = new Replicas({ failureThreshold: 2, cooldownMs: 60_000, affinityMaxExcess: 8 });
    const records: { outcome: string; httpStatus: number }[] = [];
    const deps: ProxyDependencies = {
      table: () => new RoutingTable([endpoint], [], []),
      replicas,
      usage: {
        begin: () => ({}),
        forget: () => undefined,
        record: (record: { outcome: string; httpStatus: number }) => records.push(record),
      } as unknown as UsageRecorder,
      hooks: NO_REQUEST_HOOKS,
      connectRetries: 0,
      logger: new JsonLogger('test', 'error', () => undefined),
    };
    const call: ProxyCall = {
      requestId: 'r',
      caller: { tenantId: 't1', principal: { subject: 's' } as Principal },
      operation: 'chat',
      body: { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      bodyBytes: 10,
      model: 'm',
      stream: false,
      includeUsage: false,
      startedAt: performance.now(),
    };
    const res = Object.assign(new EventEmitter(), { headersSent: false, writableEnded: false }) as unknown as ServerResponse;
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(proxyCall({ ...call }, { headers: {} } as IncomingMessage, res, deps)).rejects.toMatchObject({
        status: 500,
        code: 'upstream_request_unbuildable',
      });
    }
    expect(replicas.breakerStates()).toEqual([{ endpointId: 'e1', targetId: 'r1', state: 'closed' }]);
    expect(replicas.pick(endpoint, Date.now())).toBeInstanceOf(ReplicaLease);
    expect(records).toHaveLength(5);
  });

  it('a real upstream failure still counts', async () => {
    const replicas = new Replicas({ failureThreshold: 2, cooldownMs: 60_000, affinityMaxExcess: 8 });
    const deps = {
      table: () => new RoutingTable([endpoint], [], []),
      replicas,
      usage: { begin: () => ({}), forget: () => undefined, record: () => undefined } as unknown as UsageRecorder,
      hooks: NO_REQUEST_HOOKS,
      connectRetries: 0,
      logger: new JsonLogger('test', 'error', () => undefined),
    };
    const call: ProxyCall = {
      requestId: 'r',
      caller: { tenantId: 't1', principal: { subject: 's' } as Principal },
      operation: 'chat',
      body: { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      bodyBytes: 10,
      model: 'm',
      stream: false,
      includeUsage: false,
      startedAt: performance.now(),
    };
    const res = Object.assign(new EventEmitter(), { headersSent: false, writableEnded: false }) as unknown as ServerResponse;
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(proxyCall({ ...call }, { headers: {} } as IncomingMessage, res, deps)).rejects.toBeInstanceOf(GatewayError);
    }
    expect(replicas.breakerStates()).toEqual([{ endpointId: 'e1', targetId: 'r1', state: 'open' }]);
    expect(replicas.outstanding('r1')).toBe(0);
  });
});
