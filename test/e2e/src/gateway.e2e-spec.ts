import OpenAI from 'openai';
import { serviceToken, userToken, withPg } from '@ai-commons/testing';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { capturedGatewayLogLines, e2eDatabase, eventually, startControlPlane, startGateway } from './support/environment';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { apiKeyHashHex, createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';

const UPSTREAM_SECRET = 'sk-upstream-hanbit-7f3a9c';

describe('OpenAI-compatible gateway (official openai client → gateway → model simulator)', () => {
  let controlPlane: ControlPlane;
  let simulator: SimulatorProcess;
  let gateway: Gateway;
  let hanbitKey: string;
  const endpointIds: Record<string, string> = {};

  beforeAll(async () => {
    controlPlane = await startControlPlane(); // seeds the demo institutions
    simulator = await startSimulatorProcess(['--models', 'sim-llama,sim-exaone,sim-embed', '--api-key', UPSTREAM_SECRET, '--output-tokens', '12']);
    for (const tenantSlug of ['hanbit-bank', 'nuri-insurance']) {
      const { id } = await createEndpointFixture({
        tenantSlug,
        name: 'gw-llama',
        upstreamUrl: simulator.url,
        upstreamModel: 'sim-llama',
        credential: UPSTREAM_SECRET,
      });
      endpointIds[`${tenantSlug}/gw-llama`] = id;
    }
    endpointIds['hanbit-bank/gw-exaone'] = (
      await createEndpointFixture({
        tenantSlug: 'hanbit-bank',
        name: 'gw-exaone',
        upstreamUrl: simulator.url,
        upstreamModel: 'sim-exaone',
        credential: UPSTREAM_SECRET,
        limits: { max_request_bytes: 2048, max_output_tokens: 64, default_max_tokens: 32 },
      })
    ).id;
    endpointIds['hanbit-bank/gw-embed'] = (
      await createEndpointFixture({
        tenantSlug: 'hanbit-bank',
        name: 'gw-embed',
        upstreamUrl: simulator.url,
        upstreamModel: 'sim-embed',
        credential: UPSTREAM_SECRET,
      })
    ).id;
    await createEndpointFixture({
      tenantSlug: 'hanbit-bank',
      name: 'gw-draining',
      upstreamUrl: simulator.url,
      upstreamModel: 'sim-llama',
      credential: UPSTREAM_SECRET,
      state: 'draining',
    });
    hanbitKey = (await createApiKeyFixture('hanbit-bank')).secret;
    gateway = await startGateway();
  });
  afterAll(async () => {
    await gateway.close();
    await simulator.stop();
    await controlPlane.close();
  });

  const client = (apiKey: string, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0, ...extra });

  async function usageRows(requestId: string) {
    await gateway.usage.flush();
    return withPg(e2eDatabase().superuserUrl, async (pg) => (await pg.query('select * from usage_records where request_id = $1', [requestId])).rows);
  }

  it('answers a chat completion for a service-account token, and records usage', async () => {
    const token = await serviceToken('svc-hanbit-bank');
    const { data, response } = await client(token)
      .chat.completions.create(
        { model: 'gw-llama', messages: [{ role: 'user', content: '대출 상품을 요약해 줘' }] },
        { headers: { 'x-request-id': 'e2e-gw-chat-1' } },
      )
      .withResponse();
    expect(response.headers.get('x-request-id')).toBe('e2e-gw-chat-1');
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0].message.content).toEqual(expect.any(String));
    expect(data.usage).toMatchObject({ completion_tokens: 12 });
    const [row] = await usageRows('e2e-gw-chat-1');
    expect(row).toMatchObject({
      endpoint_name: 'gw-llama',
      model: 'sim-llama',
      outcome: 'success',
      http_status: 200,
      streamed: false,
      prompt_tokens: data.usage!.prompt_tokens,
      completion_tokens: 12,
      principal_subject: expect.any(String),
    });
  });

  it('gives the same deterministic answer through an API key', async () => {
    const messages = [{ role: 'user' as const, content: 'deterministic?' }];
    const viaKey = await client(hanbitKey).chat.completions.create({ model: 'gw-llama', messages });
    const viaToken = await client(await serviceToken('svc-hanbit-bank')).chat.completions.create({ model: 'gw-llama', messages });
    expect(viaKey.choices[0].message.content).toBe(viaToken.choices[0].message.content);
  });

  it('streams chunks as they arrive and meters the stream', async () => {
    const messages = [{ role: 'user' as const, content: 'stream please' }];
    const whole = await client(hanbitKey).chat.completions.create({ model: 'gw-llama', messages });
    const stream = await client(hanbitKey).chat.completions.create(
      { model: 'gw-llama', messages, stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-request-id': 'e2e-gw-stream-1' } },
    );
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(5);
    expect(text).toBe(whole.choices[0].message.content);
    expect(usage).toMatchObject({ completion_tokens: 12 });
    const [row] = await usageRows('e2e-gw-stream-1');
    expect(row).toMatchObject({ streamed: true, outcome: 'success', completion_tokens: 12, prompt_tokens: usage!.prompt_tokens });
  });

  it('does not add a usage chunk the caller did not ask for, but still meters it', async () => {
    const stream = await client(hanbitKey).chat.completions.create(
      { model: 'gw-llama', messages: [{ role: 'user', content: 'no usage chunk' }], stream: true },
      { headers: { 'x-request-id': 'e2e-gw-stream-2' } },
    );
    for await (const chunk of stream) expect(chunk.usage ?? null).toBeNull();
    const [row] = await usageRows('e2e-gw-stream-2');
    expect(row.completion_tokens).toBe(12);
  });

  it('serves embeddings', async () => {
    const result = await client(hanbitKey).embeddings.create({ model: 'gw-embed', input: ['가계부채', 'household debt'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0].embedding.length).toBeGreaterThan(10);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("lists only the caller's own active endpoints", async () => {
    const hanbit = (await client(hanbitKey).models.list()).data.map((model) => model.id).sort();
    expect(hanbit).toEqual(expect.arrayContaining(['gw-embed', 'gw-exaone', 'gw-llama']));
    expect(hanbit).not.toContain('gw-draining');
    const nuri = (await client(await serviceToken('svc-nuri-insurance')).models.list()).data.map((model) => model.id);
    expect(nuri).toContain('gw-llama');
    expect(nuri).not.toContain('gw-exaone');
  });

  describe('isolation between institutions', () => {
    it("another institution's endpoint name is indistinguishable from one that does not exist", async () => {
      const nuri = client(await serviceToken('svc-nuri-insurance'));
      const errorFor = async (model: string) => {
        try {
          await nuri.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] });
        } catch (error) {
          const e = error as InstanceType<typeof OpenAI.APIError>;
          return { status: e.status, code: e.code, type: e.type, message: e.message.replace(model, '<model>') };
        }
        throw new Error('expected an error');
      };
      const foreign = await errorFor('gw-exaone');
      const missing = await errorFor('no-such-model');
      expect(foreign).toEqual(missing);
      expect(foreign).toMatchObject({ status: 404, code: 'model_not_found' });
    });

    it("an API key of one institution never reaches another's endpoints", async () => {
      const nuriKey = (await createApiKeyFixture('nuri-insurance')).secret;
      await eventually(() => gateway.routing.table().apiKey(apiKeyHashHex(nuriKey)) !== undefined);
      const result = await client(nuriKey).chat.completions.create(
        { model: 'gw-llama', messages: [{ role: 'user', content: 'whose endpoint?' }] },
        { headers: { 'x-request-id': 'e2e-gw-nuri' } },
      );
      expect(result.choices).toHaveLength(1);
      const [row] = await usageRows('e2e-gw-nuri');
      expect(row.endpoint_id).toBe(endpointIds['nuri-insurance/gw-llama']);
      await expect(client(nuriKey).chat.completions.create({ model: 'gw-exaone', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
        status: 404,
        code: 'model_not_found',
      });
    });

    it('platform admins and regulators cannot call models', async () => {
      await expect(client(await userToken('regulator')).models.list()).rejects.toMatchObject({ status: 403, code: 'institution_credential_required' });
    });
  });

  describe('credentials', () => {
    it('revoked, expired, unknown and missing keys are refused; revoked and expired keys are not even loaded', async () => {
      const revoked = (await createApiKeyFixture('hanbit-bank', { revoked: true })).secret;
      const expired = (await createApiKeyFixture('hanbit-bank', { expiresAt: new Date(Date.now() - 1000) })).secret;
      const valid = (await createApiKeyFixture('hanbit-bank')).secret;
      // Once the key created last is in the table, a reload has seen the other two.
      await eventually(() => gateway.routing.table().apiKey(apiKeyHashHex(valid)) !== undefined);
      expect([revoked, expired].map((secret) => gateway.routing.table().apiKey(apiKeyHashHex(secret)))).toEqual([undefined, undefined]);
      const messages = [{ role: 'user' as const, content: 'x' }];
      await expect(client(revoked).chat.completions.create({ model: 'gw-llama', messages })).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
      await expect(client(expired).chat.completions.create({ model: 'gw-llama', messages })).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
      await expect(client('aic_' + 'x'.repeat(43)).chat.completions.create({ model: 'gw-llama', messages })).rejects.toMatchObject({
        status: 401,
        code: 'invalid_api_key',
      });
      const missing = await fetch(`${gateway.url}/v1/models`);
      expect(missing.status).toBe(401);
      expect(((await missing.json()) as any).error).toMatchObject({ type: 'authentication_error', code: 'missing_api_key' });
      await expect(client('not.a.jwt').models.list()).rejects.toMatchObject({ status: 401 });
    });

    it('a key scoped to some endpoints cannot use the others', async () => {
      const scoped = (await createApiKeyFixture('hanbit-bank', { endpointIds: [endpointIds['hanbit-bank/gw-embed']] })).secret;
      await eventually(() => gateway.routing.table().apiKey(apiKeyHashHex(scoped)) !== undefined);
      expect((await client(scoped).models.list()).data.map((model) => model.id)).toEqual(['gw-embed']);
      await expect(client(scoped).chat.completions.create({ model: 'gw-llama', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
        status: 403,
        code: 'model_not_allowed_for_key',
      });
    });

    it('revoking a key takes effect without a restart (change notification)', async () => {
      const { secret, id } = await createApiKeyFixture('hanbit-bank');
      await eventually(() => gateway.routing.table().apiKey(apiKeyHashHex(secret)) !== undefined);
      await client(secret).models.list();
      await withPg(e2eDatabase().superuserUrl, (pg) => pg.query('update api_keys set revoked_at = now() where id = $1', [id]));
      await eventually(async () => (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } })).status === 401);
      expect(gateway.routing.table().apiKey(apiKeyHashHex(secret))).toBeUndefined(); // dropped from memory
    });

    it('never logs the upstream credential or API keys', () => {
      const logs = capturedGatewayLogLines.join('\n');
      expect(logs).not.toContain(UPSTREAM_SECRET);
      expect(logs).not.toContain(hanbitKey);
    });
  });

  describe('bad requests get OpenAI-style errors', () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${hanbitKey}`, 'content-type': 'application/json', ...headers },
        body,
      });

    it.each([
      ['{not json', 400, 'invalid_json', null],
      ['[]', 400, 'invalid_json', null],
      ['{"messages":[{"role":"user","content":"x"}]}', 400, 'missing_required_parameter', 'model'],
      ['{"model":"gw-llama"}', 400, 'missing_required_parameter', 'messages'],
      ['{"model":"gw-llama","messages":"hello"}', 400, 'invalid_type', 'messages'],
      ['{"model":"gw-llama","messages":[{"role":"user","content":"x"}],"max_tokens":"ten"}', 400, 'invalid_type', 'max_tokens'],
      ['{"model":"gw-exaone","messages":[{"role":"user","content":"x"}],"max_tokens":65}', 400, 'max_tokens_exceeded', 'max_tokens'],
      ['{"model":"nope","messages":[{"role":"user","content":"x"}]}', 404, 'model_not_found', 'model'],
      ['{"model":"gw-draining","messages":[{"role":"user","content":"x"}]}', 503, 'endpoint_draining', 'model'],
    ])('%s → %i %s', async (body, status, code, param) => {
      const response = await post(body);
      expect(response.status).toBe(status);
      const json = (await response.json()) as { error: Record<string, unknown> };
      expect(json.error).toMatchObject({ code, param, message: expect.any(String), type: expect.any(String) });
    });

    it('refuses bodies over the endpoint limit (413) and over the gateway limit', async () => {
      const big = JSON.stringify({ model: 'gw-exaone', messages: [{ role: 'user', content: 'x'.repeat(3000) }] });
      const response = await post(big);
      expect(response.status).toBe(413);
      expect(((await response.json()) as any).error.code).toBe('request_too_large');
      const huge = await post(JSON.stringify({ model: 'gw-llama', messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }] }));
      expect(huge.status).toBe(413);
    });

    it('wrong method, unknown path and wrong content type', async () => {
      expect((await fetch(`${gateway.url}/v1/chat/completions`, { headers: { authorization: `Bearer ${hanbitKey}` } })).status).toBe(405);
      expect((await fetch(`${gateway.url}/v1/nothing`, { headers: { authorization: `Bearer ${hanbitKey}` } })).status).toBe(404);
      expect((await post('{}', { 'content-type': 'text/plain' })).status).toBe(415);
    });
  });
});
