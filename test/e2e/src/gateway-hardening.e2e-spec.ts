import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { serviceToken, userToken, withPg } from '@ai-commons/testing';
import type { Gateway } from '@ai-commons/gateway-server';
import { e2eDatabase, eventually, startControlPlane, startGateway } from './support/environment';
import { apiKeyHashHex, createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';

/** An upstream that streams its answer with CRLF line endings (allowed by the SSE format), usage included. */
async function startCrlfUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const chunk = (delta: object, extra: object = {}) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-crlf', object: 'chat.completion.chunk', created: 1, model: 'crlf-model', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\r\n\r\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: '안녕' }));
      res.write(chunk({ content: '하세요' }).slice(0, 20));
      res.write(chunk({ content: '하세요' }).slice(20));
      res.write(
        `data: ${JSON.stringify({ id: 'chatcmpl-crlf', object: 'chat.completion.chunk', created: 1, model: 'crlf-model', choices: [], usage: { prompt_tokens: 17, completion_tokens: 23, total_tokens: 40 } })}\r\n\r`,
      );
      res.write('\ndata: [DONE]\r\n\r\n');
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  };
}

const superuser = (sql: string, parameters: unknown[] = []) => withPg(e2eDatabase().superuserUrl, async (pg) => (await pg.query(sql, parameters)).rows);

describe('gateway hardening', () => {
  let gateway: Gateway;
  let upstream: Awaited<ReturnType<typeof startCrlfUpstream>>;
  let apiKey: string;

  beforeAll(async () => {
    await (await startControlPlane()).close(); // seeds the demo institutions
    upstream = await startCrlfUpstream();
    await createEndpointFixture({
      tenantSlug: 'hanbit-bank',
      name: 'crlf-model',
      upstreamUrl: upstream.url,
      upstreamModel: 'crlf-model',
      driver: 'openai-compatible',
    });
    apiKey = (await createApiKeyFixture('hanbit-bank')).secret;
    gateway = await startGateway({ GATEWAY_ROUTING_REFRESH_MS: '200', GATEWAY_ROUTING_STALE_AFTER_MS: '1000' });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('meters a stream whose upstream ends its lines with CRLF', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
    const stream = await client.chat.completions.create(
      { model: 'crlf-model', messages: [{ role: 'user', content: '인사해 줘' }], stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-request-id': 'e2e-crlf-1' } },
    );
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      usage ??= chunk.usage;
    }
    expect(text).toBe('안녕하세요');
    expect(usage).toMatchObject({ prompt_tokens: 17, completion_tokens: 23 });
    await gateway.usage.flush();
    const [row] = await superuser('select streamed, outcome, http_status, prompt_tokens, completion_tokens from usage_records where request_id = $1', [
      'e2e-crlf-1',
    ]);
    expect(row).toEqual({ streamed: true, outcome: 'success', http_status: 200, prompt_tokens: 17, completion_tokens: 23 });
  });

  it('/health/ready shows the status to anyone, the checks only to a platform admin', async () => {
    const ready = (token?: string) => fetch(`${gateway.url}/health/ready`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const anonymous = await ready();
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'ready' });
    for (const token of [await serviceToken('svc-hanbit-bank'), apiKey, 'not.a.jwt']) expect(await (await ready(token)).json()).toEqual({ status: 'ready' });
    expect(await (await ready(await userToken('platform-admin'))).json()).toMatchObject({
      status: 'ready',
      checks: { routing: { status: 'up' }, database: { status: 'up' } },
    });
  });

  it('reports not-ready when routing reloads keep failing longer than GATEWAY_ROUTING_STALE_AFTER_MS, ready again once they succeed', async () => {
    const admin = await userToken('platform-admin');
    const readiness = async () => {
      const response = await fetch(`${gateway.url}/health/ready`, { headers: { authorization: `Bearer ${admin}` } });
      return {
        status: response.status,
        body: (await response.json()) as { status: string; checks: { routing: { status: string; reloadsFailingForMs?: number } } },
      };
    };
    expect((await readiness()).status).toBe(200);
    // Every reload now fails (the table it reads is gone); the last good table stays in service…
    await superuser('alter table api_keys rename to api_keys_hidden');
    try {
      await eventually(() => gateway.routing.failingForMs() > 0, 5_000);
      expect((await readiness()).status).toBe(200); // …for a while
      // The use-case store reads api_keys too, and may be the first check to go stale: wait for routing's own verdict.
      await eventually(async () => (await readiness()).body.checks.routing.status === 'stale', 5_000);
      const stale = await readiness();
      expect(stale.body).toMatchObject({ status: 'not-ready', checks: { routing: { status: 'stale' } } });
      expect(stale.body.checks.routing.reloadsFailingForMs).toBeGreaterThanOrEqual(1_000);
      expect(await (await fetch(`${gateway.url}/health/ready`)).json()).toEqual({ status: 'not-ready' });
    } finally {
      await superuser('alter table api_keys_hidden rename to api_keys');
    }
    await eventually(async () => (await readiness()).status === 200, 5_000);
    expect(gateway.routing.table().apiKey(apiKeyHashHex(apiKey))).toBeDefined();
  });
});
