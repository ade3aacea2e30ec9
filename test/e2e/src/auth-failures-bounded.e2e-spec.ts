import { randomBytes } from 'node:crypto';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import type { Gateway } from '@ai-commons/gateway-server';
import { withPg } from '@ai-commons/testing';
import { e2eDatabase, startControlPlane, startGateway } from './support/environment';

const BRAKE = { AUTH_FAILURE_BURST: '20', AUTH_FAILURE_REFILL_PER_SECOND: '1', AUTH_FAILURE_WINDOW_MS: '60000', CATALOG_HEALTH_PROBE_INTERVAL_MS: '0' };
const TOTAL = 10_000;
const CONCURRENCY = 32;

function superuser<T = any>(sql: string, parameters: unknown[] = []): Promise<T[]> {
  return withPg(e2eDatabase().superuserUrl, async (client) => (await client.query(sql, parameters)).rows as T[]);
}

/** A syntactically plausible JWT nobody signed. */
function forgedJwt(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'forged' })}.${part({ sub: 'x', iss: 'nobody' })}.${randomBytes(16).toString('base64url')}`;
}

describe('10,000 bad requests from anonymous callers write a bounded number of audit events', () => {
  let controlPlane: ControlPlane;
  let gateway: Gateway;

  beforeAll(async () => {
    controlPlane = await startControlPlane(BRAKE);
    gateway = await startGateway(BRAKE);
  });
  afterAll(async () => {
    await gateway?.close();
    await controlPlane?.close();
  });

  it('aggregates authentication failures per (source, reason, route) and window, brakes with 429, and never audits unknown gateway paths', async () => {
    const [{ since }] = await superuser<{ since: string }>(`select clock_timestamp()::text as since`);
    const statuses: Record<string, Record<number, number>> = { controlPlane: {}, gatewayKey: {}, gatewayPath: {} };
    const count = (kind: string, status: number) => (statuses[kind][status] = (statuses[kind][status] ?? 0) + 1);
    let retryAfterSeen = false;

    // Mixed: bad tokens at the control plane, bad keys and tokens at the gateway, unknown gateway paths.
    const send = async (i: number) => {
      switch (i % 3) {
        case 0: {
          const authorization = [`Bearer not.a.jwt.${i}`, `Basic ${i}`, `Bearer ${forgedJwt()}`][i % 9 === 0 ? 2 : (i >> 1) % 2];
          const response = await fetch(`${controlPlane.url}/graphql`, {
            method: 'POST',
            headers: { authorization, 'content-type': 'application/json' },
            body: '{"query":"{ me { subject } }"}',
          });
          if (response.status === 429) retryAfterSeen ||= Number(response.headers.get('retry-after')) >= 1;
          const body = await response.text();
          if (response.status === 200) expect(body).toContain('UNAUTHENTICATED');
          return count('controlPlane', response.status);
        }
        case 1: {
          const authorization = i % 2 ? `Bearer aic_${randomBytes(12).toString('hex')}` : `Bearer garbage-${i}`;
          const response = await fetch(`${gateway.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization, 'content-type': 'application/json' },
            body: '{"model":"x","messages":[]}',
          });
          await response.arrayBuffer();
          return count('gatewayKey', response.status);
        }
        default: {
          const response = await fetch(`${gateway.url}/${['wp-admin', 'v1/nope', 'v2/chat/completions', '.env'][i % 4]}/${i}?x=${i}`, {
            headers: { authorization: `Bearer aic_${i}` },
          });
          await response.arrayBuffer();
          return count('gatewayPath', response.status);
        }
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL) await send(next++);
      }),
    );

    const controlPlaneRequests = Math.ceil(TOTAL / 3);
    const gatewayKeyRequests = Math.floor((TOTAL + 1) / 3);
    const unknownPathRequests = TOTAL - controlPlaneRequests - gatewayKeyRequests;
    // The burst is answered UNAUTHENTICATED (GraphQL over HTTP: 200) or 401, the rest 429.
    expect(Object.keys(statuses.controlPlane).map(Number).sort()).toEqual([200, 429]);
    expect(statuses.controlPlane[429]).toBeGreaterThan(controlPlaneRequests * 0.9);
    expect(Object.keys(statuses.gatewayKey).map(Number).sort()).toEqual([401, 429]);
    expect(statuses.gatewayKey[429]).toBeGreaterThan(gatewayKeyRequests * 0.9);
    expect(statuses.gatewayPath).toEqual({ 404: unknownPathRequests });
    expect(retryAfterSeen).toBe(true);

    // Shutdown ends the open window: its aggregates are written before the writer stops.
    await gateway.close();
    await controlPlane.close();

    const events = await superuser(
      `select action, resource_type, resource_id, http_status, actor, details from audit_events where occurred_at >= $1::timestamptz or (details ? 'windowEnd' and (details->>'windowEnd')::timestamptz >= $1::timestamptz) order by resource_type, resource_id, details->>'reason'`,
      [since],
    );
    console.log(
      `10,000 bad requests → ${events.length} new audit events:\n${events.map((e) => `  ${e.resource_type} ${e.resource_id} ${e.details.reason} ×${e.details.count} (${e.http_status})`).join('\n')}`,
    );
    // Nothing but the aggregates; none for an unknown path.
    expect(events.every((e) => e.action === 'authentication.failure')).toBe(true);
    expect(events.some((e) => e.resource_type === 'gateway' && !e.resource_id.startsWith('POST /v1/chat'))).toBe(false);
    // Bounded: one per (source, reason, route) — a handful, not thousands.
    expect(events.length).toBeLessThanOrEqual(10);
    const keys = events.map((e) => `${e.resource_type}|${e.resource_id}|${e.details.reason}|${e.actor.sourceAddress}`);
    expect(new Set(keys).size).toBe(events.length);
    // Nothing lost from the counts: every request that reached authentication is counted once.
    const counted = (service: string) => events.filter((e) => e.resource_type === service).reduce((sum, e) => sum + e.details.count, 0);
    expect(counted('control-plane')).toBe(controlPlaneRequests);
    expect(counted('gateway')).toBe(gatewayKeyRequests);
    const braked = events.filter((e) => e.details.reason === 'RATE_LIMITED');
    expect(braked.map((e) => [e.resource_type, e.http_status])).toEqual([
      ['control-plane', 429],
      ['gateway', 429],
    ]);
    for (const event of events) {
      expect(event.actor).toMatchObject({ subject: 'anonymous', sourceAddress: expect.stringMatching(/127\.0\.0\.1/) });
      expect(Date.parse(event.details.firstAt)).toBeLessThanOrEqual(Date.parse(event.details.lastAt));
    }
  }, 300_000);
});
