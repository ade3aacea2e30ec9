import net from 'node:net';
import OpenAI from 'openai';
import { withPg } from '@ai-commons/testing';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { e2eDatabase, eventually, startControlPlane, startGateway } from './support/environment';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';
import { estimateChatRequest, estimateTextTokens } from '@ai-commons/token-count';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('gateway under upstream faults', () => {
  let controlPlane: ControlPlane;
  let faulty: SimulatorProcess;
  let gateway: Gateway;
  let key: string;

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    faulty = await startSimulatorProcess(['--models', 'sim-faulty', '--output-tokens', '8', '--inter-token-ms', '5']);
    const limits = { first_byte_timeout_ms: 400, connect_timeout_ms: 300 };
    await createEndpointFixture({
      tenantSlug: 'gaon-securities',
      name: 'gw-down',
      upstreamUrl: `http://127.0.0.1:${await closedPort()}`,
      upstreamModel: 'x',
      limits,
    });
    await createEndpointFixture({ tenantSlug: 'gaon-securities', name: 'gw-faulty', upstreamUrl: faulty.url, upstreamModel: 'sim-faulty', limits });
    key = (await createApiKeyFixture('gaon-securities')).secret;
    gateway = await startGateway({ GATEWAY_BREAKER_FAILURES: '3', GATEWAY_BREAKER_COOLDOWN_MS: '500', GATEWAY_CONNECT_RETRIES: '1' });
  });
  afterAll(async () => {
    await gateway.close();
    await faulty.stop();
    await controlPlane.close();
  });
  beforeEach(() => faulty.configure({ errorRate: 0, stallRate: 0, stallAfterChunks: 0 }));

  const openai = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
  const ask = (model: string, requestId: string) =>
    openai().chat.completions.create({ model, messages: [{ role: 'user', content: 'fault?' }] }, { headers: { 'x-request-id': requestId } });
  const askStream = (model: string, requestId: string) =>
    openai().chat.completions.create({ model, messages: [{ role: 'user', content: 'fault?' }], stream: true }, { headers: { 'x-request-id': requestId } });

  async function usageOf(requestId: string) {
    await gateway.usage.flush();
    const rows = await withPg(
      e2eDatabase().superuserUrl,
      async (pg) => (await pg.query('select * from usage_records where request_id = $1', [requestId])).rows,
    );
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  it('an unreachable upstream gives 502 and charges nothing', async () => {
    await expect(ask('gw-down', 'fault-down')).rejects.toMatchObject({ status: 502, code: 'upstream_unreachable' });
    expect(await usageOf('fault-down')).toMatchObject({ outcome: 'upstream_error', http_status: 502, prompt_tokens: 0, completion_tokens: 0 });
  });

  it('an upstream that stalls before answering gives 504 and charges nothing', async () => {
    await faulty.configure({ stallRate: 1, stallAfterChunks: 0 });
    await expect(ask('gw-faulty', 'fault-stall')).rejects.toMatchObject({ status: 504, code: 'upstream_timeout' });
    expect(await usageOf('fault-stall')).toMatchObject({ outcome: 'upstream_error', http_status: 504, completion_tokens: 0 });
  });

  it('a stream that stalls midway ends with an error event and charges nothing', async () => {
    await faulty.configure({ stallRate: 1, stallAfterChunks: 2 });
    const stream = await askStream('gw-faulty', 'fault-midstream');
    const consume = async () => {
      for await (const _chunk of stream) {
        // read until the gateway reports the stall
      }
    };
    await expect(consume()).rejects.toThrow(/stopped sending/);
    expect(await usageOf('fault-midstream')).toMatchObject({ outcome: 'upstream_error', streamed: true, completion_tokens: 0 });
  });

  async function completionAuditOf(requestId: string) {
    await gateway.audit.writer.flush();
    const rows = await withPg(
      e2eDatabase().superuserUrl,
      async (pg) =>
        (
          await pg.query(`select prompt_tokens, completion_tokens, details from audit_events where request_id = $1 and action = 'gateway.request.completed'`, [
            requestId,
          ])
        ).rows,
    );
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  it('a caller that leaves mid-stream: the upstream call is cut off too, recorded as cancelled (499), charged for the prompt and the text relayed', async () => {
    await faulty.configure({ interTokenMs: 100, outputTokens: 40 });
    try {
      const before = (await faulty.stats()) as unknown as { aborted: number };
      const abort = new AbortController();
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': 'fault-client-gone' },
        body: JSON.stringify({ model: 'gw-faulty', messages: [{ role: 'user', content: 'a long answer, please' }], stream: true }),
        signal: abort.signal,
      });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      await reader.read(); // the first chunk arrived: the stream is flowing
      abort.abort();
      await reader.read().catch(() => undefined);
      // The gateway learns of the closed connection asynchronously.
      await eventually(async () => {
        await gateway.usage.flush();
        return withPg(
          e2eDatabase().superuserUrl,
          async (pg) => (await pg.query(`select 1 from usage_records where request_id = 'fault-client-gone'`)).rowCount === 1,
        );
      });
      const messages = [{ role: 'user', content: 'a long answer, please' }];
      const charged = await usageOf('fault-client-gone');
      expect(charged).toMatchObject({
        outcome: 'cancelled',
        http_status: 499,
        streamed: true,
        prompt_tokens: estimateChatRequest({ messages }, { imageTokens: 765 }, 0).promptTokens,
      });
      // At least the one word the caller read, at most the 40 the model would have written.
      expect(charged.completion_tokens).toBeGreaterThanOrEqual(1);
      expect(charged.completion_tokens).toBeLessThan(40 * 2);
      expect(await completionAuditOf('fault-client-gone')).toMatchObject({
        prompt_tokens: charged.prompt_tokens,
        completion_tokens: charged.completion_tokens,
        details: { result: 'cancelled' },
      });
      // The gateway dropped its upstream connection rather than letting the model run on (40 × 100 ms).
      await eventually(async () => ((await faulty.stats()) as unknown as { aborted: number }).aborted === before.aborted + 1);
    } finally {
      await faulty.configure({ interTokenMs: 5, outputTokens: 8 });
    }
  });

  it('a caller of the openai client that stops reading mid-stream pays for exactly the text it was sent (no usage arrived)', async () => {
    await faulty.configure({ interTokenMs: 100, outputTokens: 40 });
    try {
      const messages = [{ role: 'user' as const, content: '잔액 조회 부탁해요' }];
      const stream = await openai().chat.completions.create(
        { model: 'gw-faulty', messages, stream: true },
        { headers: { 'x-request-id': 'fault-client-stops' } },
      );
      let received = '';
      let chunks = 0;
      for await (const chunk of stream) {
        received += chunk.choices[0]?.delta?.content ?? '';
        if (++chunks === 4) break; // the role chunk and three words; the client aborts the request
      }
      await eventually(async () => {
        await gateway.usage.flush();
        return withPg(
          e2eDatabase().superuserUrl,
          async (pg) => (await pg.query(`select 1 from usage_records where request_id = 'fault-client-stops'`)).rowCount === 1,
        );
      });
      const charged = await usageOf('fault-client-stops');
      expect(charged).toMatchObject({
        outcome: 'cancelled',
        http_status: 499,
        prompt_tokens: estimateChatRequest({ messages }, { imageTokens: 765 }, 0).promptTokens,
      });
      // What was relayed may run a chunk or two ahead of what the client read before leaving.
      expect(charged.completion_tokens).toBeGreaterThanOrEqual(estimateTextTokens(received));
      expect(charged.completion_tokens).toBeLessThanOrEqual(estimateTextTokens(received) + 4);
      expect(await completionAuditOf('fault-client-stops')).toMatchObject({
        prompt_tokens: charged.prompt_tokens,
        completion_tokens: charged.completion_tokens,
      });
    } finally {
      await faulty.configure({ interTokenMs: 5, outputTokens: 8 });
    }
  });

  it("a stream that outlasts the endpoint's request timeout ends with a timeout error event, not a hang", async () => {
    await faulty.configure({ interTokenMs: 100, outputTokens: 40 });
    try {
      await createEndpointFixture({
        tenantSlug: 'gaon-securities',
        name: 'gw-short',
        upstreamUrl: faulty.url,
        upstreamModel: 'sim-faulty',
        limits: { request_timeout_ms: 600, first_byte_timeout_ms: 400 },
      });
      await gateway.routing.reload();
      const stream = await askStream('gw-short', 'fault-total-timeout');
      const consume = async () => {
        for await (const _chunk of stream) {
          // read until the gateway ends the stream
        }
      };
      await expect(consume()).rejects.toThrow(/did not finish within 600 ms/);
      expect(await usageOf('fault-total-timeout')).toMatchObject({ outcome: 'upstream_error', http_status: 504, completion_tokens: 0 });
    } finally {
      await faulty.configure({ interTokenMs: 5, outputTokens: 8 });
    }
  });

  it('upstream errors give 502, then the circuit opens (503 with Retry-After) and recovers', async () => {
    // Earlier stalls counted as failures: let the breaker cool down and close on a success first.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await ask('gw-faulty', 'fault-before-500');
    await faulty.configure({ errorRate: 1, errorStatus: 500 });
    for (let i = 0; i < 3; i++) {
      await expect(ask('gw-faulty', `fault-500-${i}`)).rejects.toMatchObject({ status: 502, code: 'upstream_error' });
    }
    const served = (await faulty.stats()).started;
    const open = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gw-faulty', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(open.status).toBe(503);
    expect(Number(open.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await open.json()) as any).error.code).toBe('upstream_unavailable');
    expect((await faulty.stats()).started).toBe(served); // the open circuit did not call the upstream

    await faulty.configure({ errorRate: 0 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const recovered = await ask('gw-faulty', 'fault-recovered');
    expect(recovered.choices[0].message.content).toEqual(expect.any(String));
    expect(await usageOf('fault-500-0')).toMatchObject({ outcome: 'upstream_error', http_status: 502, completion_tokens: 0 });
  });

  it('graceful shutdown writes every usage record before the process ends', async () => {
    const second = await startGateway({ GATEWAY_USAGE_FLUSH_MS: '60000' });
    const client = new OpenAI({ baseURL: `${second.url}/v1`, apiKey: key, maxRetries: 0 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.chat.completions.create(
          { model: 'gw-faulty', messages: [{ role: 'user', content: `n${i}` }] },
          { headers: { 'x-request-id': `shutdown-${i}` } },
        ),
      ),
    );
    expect(second.usage.pending).toBe(20);
    await second.close();
    const count = await withPg(
      e2eDatabase().superuserUrl,
      async (pg) => (await pg.query(`select count(*)::int as n from usage_records where request_id like 'shutdown-%' and outcome = 'success'`)).rows[0].n,
    );
    expect(count).toBe(20);
  });
});
