import net from 'node:net';
import OpenAI from 'openai';
import { graphqlRequest, userToken } from '@ai-commons/testing';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { eventually, startControlPlane, startGateway } from './support/environment';
import { apiKeyHashHex, createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';
import { startCaptureUpstream, type CaptureUpstream } from './support/capture-upstream';

/** One raw HTTP exchange over a socket: what the server sent back and how long until it closed. */
async function rawExchange(
  port: number,
  write: (socket: net.Socket) => void | Promise<void>,
  waitMs = 8_000,
): Promise<{ text: string; closedAfterMs: number | null }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const started = Date.now();
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  socket.on('error', () => undefined);
  await write(socket);
  let timer: NodeJS.Timeout | undefined;
  const closedAfterMs = await Promise.race([closed, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)))]);
  clearTimeout(timer);
  socket.destroy();
  return { text, closedAfterMs };
}

function parsedResponse(text: string): { status: number; body: any } {
  const [head, ...rest] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const payload = rest.join('\r\n\r\n');
  return { status, body: payload ? JSON.parse(payload) : undefined };
}

const nested = (depth: number, leaf: unknown = 1): string => `${'['.repeat(depth)}${JSON.stringify(leaf)}${']'.repeat(depth)}`;

describe('gateway request body and framing: nesting limit, breaker, malformed HTTP, slow clients, forwarded fields', () => {
  let controlPlane: ControlPlane;
  let upstream: CaptureUpstream;
  let gateway: Gateway;
  let port: number;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    upstream = await startCaptureUpstream();
    await createEndpointFixture({
      tenantSlug: 'nuri-insurance',
      name: 'body-model',
      upstreamUrl: upstream.url,
      upstreamModel: 'cap',
      driver: 'openai-compatible',
      limits: { max_output_tokens: 256, default_max_tokens: 64 },
    });
    await createEndpointFixture({
      tenantSlug: 'nuri-insurance',
      name: 'body-azure',
      upstreamUrl: upstream.url,
      upstreamModel: 'cap',
      driver: 'azure-openai',
      azureDeployment: 'gpt',
    });
    await createEndpointFixture({
      tenantSlug: 'nuri-insurance',
      name: 'body-dedicated',
      upstreamUrl: upstream.url,
      upstreamModel: 'cap',
      driver: 'openai-compatible',
      limits: { max_choices: 4, allowed_extra_fields: ['chat_template_kwargs'] },
    });
    key = (await createApiKeyFixture('nuri-insurance')).secret;
    otherKey = (await createApiKeyFixture('nuri-insurance')).secret;
    gateway = await startGateway({
      GATEWAY_BREAKER_FAILURES: '3',
      GATEWAY_BREAKER_COOLDOWN_MS: '60000',
      GATEWAY_HEADERS_TIMEOUT_MS: '1000',
      GATEWAY_REQUEST_TIMEOUT_MS: '2000',
    });
    port = Number(new URL(gateway.url).port);
    await eventually(() => gateway.routing.table().apiKey(apiKeyHashHex(otherKey)) !== undefined);
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
    await controlPlane.close();
  });

  const client = (apiKey = key) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0, timeout: 10_000 });
  const messages = [{ role: 'user' as const, content: 'hello' }];

  async function postRaw(body: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  describe('JSON nesting limit (checked before parsing)', () => {
    it.each([
      ['an unknown field', (deep: string) => `{"model":"body-model","messages":[{"role":"user","content":"hi"}],"x":${deep}}`],
      ['response_format', (deep: string) => `{"model":"body-model","messages":[{"role":"user","content":"hi"}],"response_format":${deep}}`],
      ['a message', (deep: string) => `{"model":"body-model","messages":[{"role":"user","content":[{"type":"text","text":"hi","extra":${deep}}]}]}`],
    ])('10,000 levels in %s: 400 invalid_request_error, not a 5xx blaming the model', async (_where, body) => {
      const result = await postRaw(body(nested(10_000)));
      expect(result.status).toBe(400);
      expect(result.body.error).toMatchObject({ type: 'invalid_request_error', code: 'json_too_deep' });
      expect(result.body.error.message).toMatch(/nested more than 64 levels/);
    });

    it('a body just over the limit is refused, brackets inside strings do not count, and one within it passes', async () => {
      expect((await postRaw(`{"model":"body-model","messages":[{"role":"user","content":"hi"}],"response_format":${nested(64)}}`)).body.error.code).toBe(
        'json_too_deep',
      );
      const bracketsInText = await client().chat.completions.create({
        model: 'body-model',
        messages: [{ role: 'user', content: '['.repeat(5_000) + '{'.repeat(5_000) }],
      });
      expect(bracketsInText.choices[0].message.content).toBe('ok');
      const before = upstream.bodies.length;
      await client().chat.completions.create({
        model: 'body-model',
        messages,
        response_format: { type: 'json_schema', json_schema: { name: 's', schema: JSON.parse(`{"a":${nested(40, {})}}`) } },
      } as never);
      expect(upstream.bodies.length).toBe(before + 1);
    });

    it("over-nested bodies from one key never open the endpoint's circuit breaker: other callers are still served", async () => {
      for (let attempt = 0; attempt < 6; attempt++) {
        const result = await postRaw(`{"model":"body-model","messages":[{"role":"user","content":"hi"}],"response_format":${nested(10_000)}}`);
        expect(result.status).toBe(400);
      }
      const answer = await client(otherKey).chat.completions.create({ model: 'body-model', messages });
      expect(answer.choices[0].message.content).toBe('ok');
    });
  });

  describe('malformed HTTP framing answers an OpenAI-shaped error body', () => {
    const request =
      (head: string, body = '') =>
      (socket: net.Socket) =>
        void socket.write(`${head}\r\n\r\n${body}`);
    const post = 'POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json';

    it.each([
      ['a 64 KiB header', request(`GET /v1/models HTTP/1.1\r\nHost: gw\r\nX-Big: ${'a'.repeat(64 * 1024)}`), 431, 'headers_too_large'],
      ['conflicting Content-Length headers', request(`${post}\r\nContent-Length: 2\r\nContent-Length: 5`, '{}'), 400, 'malformed_http_request'],
      ['duplicate Content-Length headers', request(`${post}\r\nContent-Length: 2\r\nContent-Length: 2`, '{}'), 400, 'malformed_http_request'],
      [
        'Content-Length with Transfer-Encoding',
        request(`${post}\r\nContent-Length: 2\r\nTransfer-Encoding: chunked`, '2\r\n{}\r\n0\r\n\r\n'),
        400,
        'malformed_http_request',
      ],
      ['a garbage request line', request('\u0001\u0002 garbage /// ???'), 400, 'malformed_http_request'],
    ])('%s', async (_what, write, status, code) => {
      const { text, closedAfterMs } = await rawExchange(port, write);
      const response = parsedResponse(text);
      expect(response.status).toBe(status);
      expect(text.toLowerCase()).toContain('content-type: application/json');
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code, param: null });
      expect(typeof response.body.error.message).toBe('string');
      expect(closedAfterMs).not.toBeNull();
    });
  });

  describe('slow clients are cut off (headers and request timeouts), not held for minutes', () => {
    it('headers that never finish: 408 in OpenAI shape, connection closed', async () => {
      const { text, closedAfterMs } = await rawExchange(port, async (socket) => {
        socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n');
        // Slowloris: a header line now and then, never the blank line that ends them.
        for (let line = 0; line < 3; line++) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          if (!socket.destroyed) socket.write(`X-Slow-${line}: 1\r\n`);
        }
      });
      expect(closedAfterMs).not.toBeNull();
      expect(closedAfterMs!).toBeLessThan(4_000);
      const response = parsedResponse(text);
      expect(response.status).toBe(408);
      expect(response.body.error).toMatchObject({ code: 'request_timeout' });
    });

    it('a body that never finishes: the connection is closed within the request timeout', async () => {
      const { text, closedAfterMs } = await rawExchange(
        port,
        (socket) =>
          void socket.write(
            `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":`,
          ),
      );
      expect(closedAfterMs).not.toBeNull();
      expect(closedAfterMs!).toBeLessThan(5_000);
      const response = parsedResponse(text);
      expect(response.status).toBe(408);
      expect(response.body.error).toMatchObject({ code: 'request_timeout' });
    });
  });

  describe('forwarded fields: only what the driver allows, unless the endpoint allows more', () => {
    it.each(['priority', 'chat_template', 'chat_template_kwargs', 'documents', 'best_of', 'some_future_extension'])(
      '`%s` is refused with a 400 naming the field',
      async (field) => {
        const before = upstream.bodies.length;
        await expect(
          client().chat.completions.create({ model: 'body-model', messages, [field]: field === 'priority' ? -100 : { x: 1 } } as never),
        ).rejects.toMatchObject({
          status: 400,
          code: 'unsupported_parameter',
          param: field,
        });
        expect(upstream.bodies.length).toBe(before);
      },
    );

    it('Azure OpenAI: `data_sources` is refused', async () => {
      await expect(
        client().chat.completions.create({ model: 'body-azure', messages, data_sources: [{ type: 'azure_search', parameters: {} }] } as never),
      ).rejects.toMatchObject({
        status: 400,
        code: 'unsupported_parameter',
        param: 'data_sources',
      });
    });

    it('standard fields are forwarded; an endpoint may allow an extra field', async () => {
      const before = upstream.bodies.length;
      await client().chat.completions.create({ model: 'body-model', messages, temperature: 0.2, seed: 7, top_k: 5 } as never);
      expect(upstream.bodies[before]).toMatchObject({ temperature: 0.2, seed: 7, top_k: 5 });
      await client().chat.completions.create({ model: 'body-dedicated', messages, chat_template_kwargs: { enable_thinking: false } } as never);
      expect(upstream.bodies[before + 1]).toMatchObject({ chat_template_kwargs: { enable_thinking: false } });
      await expect(client().chat.completions.create({ model: 'body-dedicated', messages, priority: -1 } as never)).rejects.toMatchObject({
        status: 400,
        param: 'priority',
      });
    });

    it("an endpoint's extra fields and n maximum, set over GraphQL, apply at the gateway without a restart", async () => {
      const { id } = await createEndpointFixture({
        tenantSlug: 'nuri-insurance',
        name: 'body-configurable',
        upstreamUrl: upstream.url,
        upstreamModel: 'cap',
        driver: 'openai-compatible',
      });
      await eventually(() => gateway.routing.table().endpoint(gateway.routing.table().apiKey(apiKeyHashHex(key))!.tenantId, 'body-configurable') !== undefined);
      const ask = () => client().chat.completions.create({ model: 'body-configurable', messages, priority: 0, n: 2 } as never);
      await expect(ask()).rejects.toMatchObject({ status: 400, param: 'priority' });
      const token = await userToken('platform-admin');
      const gql = (query: string, variables: Record<string, unknown>) => graphqlRequest<any>(controlPlane.url, query, { token, variables });
      expect(
        (await gql('mutation($id: ID!) { setEndpointAllowedExtraFields(id: $id, fields: ["priority"]) { allowedExtraFields } }', { id })).errors,
      ).toBeUndefined();
      expect(
        (await gql('mutation($id: ID!) { updateEndpointLimits(id: $id, limits: { maxChoices: 2 }) { limits { maxChoices } } }', { id })).errors,
      ).toBeUndefined();
      await eventually(() =>
        gateway.routing
          .table()
          .endpointsOf(gateway.routing.table().apiKey(apiKeyHashHex(key))!.tenantId)
          .some((e) => e.name === 'body-configurable' && e.maxChoices === 2 && e.allowedExtraFields.includes('priority')),
      );
      const before = upstream.bodies.length;
      await ask();
      expect(upstream.bodies[before]).toMatchObject({ priority: 0, n: 2 });
    });

    it('max_completion_tokens and max_tokens are both held to the endpoint maximum', async () => {
      await expect(client().chat.completions.create({ model: 'body-model', messages, max_completion_tokens: 10, max_tokens: 100_000 })).rejects.toMatchObject({
        status: 400,
        code: 'max_tokens_exceeded',
        param: 'max_tokens',
      });
      await expect(client().chat.completions.create({ model: 'body-model', messages, max_completion_tokens: 100_000, max_tokens: 10 })).rejects.toMatchObject({
        status: 400,
        code: 'max_tokens_exceeded',
        param: 'max_completion_tokens',
      });
    });

    it('`n` has a maximum per endpoint', async () => {
      await expect(client().chat.completions.create({ model: 'body-model', messages, n: 2 })).rejects.toMatchObject({
        status: 400,
        code: 'n_exceeded',
        param: 'n',
      });
      await expect(client().chat.completions.create({ model: 'body-dedicated', messages, n: 5 })).rejects.toMatchObject({
        status: 400,
        code: 'n_exceeded',
        param: 'n',
      });
      const before = upstream.bodies.length;
      await client().chat.completions.create({ model: 'body-dedicated', messages, n: 4 });
      expect(upstream.bodies[before]).toMatchObject({ n: 4 });
    });
  });

  describe('x-data-classification sent empty or more than once', () => {
    const body = JSON.stringify({ model: 'body-model', messages });
    const exchange = (classificationLines: string) => (socket: net.Socket) =>
      void socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n${classificationLines}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );

    it.each([
      ['empty', 'X-Data-Classification: \r\n'],
      ['repeated', 'X-Data-Classification: personal-credit\r\nX-Data-Classification: public\r\n'],
      ['repeated, same value', 'X-Data-Classification: internal\r\nX-Data-Classification: internal\r\n'],
      ['folded into a list', 'X-Data-Classification: internal, public\r\n'],
    ])('%s: 400, not a silent fallback', async (_what, lines) => {
      const response = parsedResponse((await rawExchange(port, exchange(lines))).text);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_data_classification', param: 'x-data-classification' });
    });

    it('sent once, it is used', async () => {
      const response = parsedResponse((await rawExchange(port, exchange('X-Data-Classification: internal\r\n'))).text);
      expect(response.status).toBe(200);
    });
  });
});
