import type { ModelSimulator } from '../src';
import { getJson, openAiClient, postJson, startTestSimulator, USER_HELLO } from './support/simulator-fixture';

describe('health, runtime configuration and error routes', () => {
  let simulator: ModelSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ outputTokens: 5, apiKey: 'secret-key' });
  });
  afterEach(() => simulator.resetSettings());
  afterAll(() => simulator.close());

  it('reports health without authentication', async () => {
    const { status, body } = await getJson(simulator, '/healthz');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
  });

  it('shows the settings with the API key redacted', async () => {
    const { status, body } = await getJson(simulator, '/_sim/config');
    expect(status).toBe(200);
    expect(body).toMatchObject({ outputTokens: 5, apiKey: '<redacted>', models: ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'] });
  });

  it('applies a runtime patch to subsequent requests and resets it', async () => {
    const patched = await postJson(simulator, '/_sim/config', { outputTokens: 9, apiKey: null, models: ['local-llm'] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ outputTokens: 9, apiKey: null, models: ['local-llm'] });
    expect(simulator.settings().outputTokens).toBe(9);

    const completion = await openAiClient(simulator).chat.completions.create({ model: 'local-llm', messages: USER_HELLO });
    expect(completion.usage?.completion_tokens).toBe(9);

    const reset = await postJson(simulator, '/_sim/config/reset', {});
    expect(reset.body.outputTokens).toBe(5);
    expect(simulator.settings().apiKey).toBe('secret-key');
  });

  it('reports configured usage figures instead of its count (an upstream with broken accounting)', async () => {
    await postJson(simulator, '/_sim/config', { apiKey: null, reportedUsage: { promptTokens: 3_000_000_000, completionTokens: -7 } });
    const completion = await openAiClient(simulator).chat.completions.create({ model: 'gpt-4o', messages: USER_HELLO });
    expect(completion.usage).toMatchObject({ prompt_tokens: 3_000_000_000, completion_tokens: -7 });
    const embedding = await openAiClient(simulator).embeddings.create({ model: 'gpt-4o', input: 'x' });
    expect(embedding.usage.prompt_tokens).toBe(3_000_000_000);
  });

  it('rejects an invalid patch with 400 and keeps the settings', async () => {
    const { status, body } = await postJson(simulator, '/_sim/config', { errorRate: 2, port: 1 });
    expect(status).toBe(400);
    expect(body.error.message).toContain('errorRate');
    expect(body.error.message).toContain('port');
    expect(simulator.settings().errorRate).toBe(0);
    expect(() => simulator.configure({ outputTokens: 0 })).toThrow(/outputTokens/);
  });

  it('answers an unparsable body with a 400 OpenAI error', async () => {
    const { status, body } = await postJson(simulator, '/v1/chat/completions', '{"model":', { authorization: 'Bearer secret-key' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    expect(body.error.message).toContain('could not parse the JSON body');
  });

  it.each([
    [{ model: 'gpt-4o-mini', messages: 'hi' }, 'messages', 'invalid_type'],
    [{ model: 'gpt-4o-mini', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', 'invalid_value'],
    [{ model: 'gpt-4o-mini', messages: [{ role: 'user' }] }, 'messages[0].content', 'missing_required_parameter'],
    [{ messages: [{ role: 'user', content: 'x' }] }, 'model', 'missing_required_parameter'],
    [{ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }, 'max_tokens', 'integer_below_min_value'],
    [{ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } }, 'stream_options', 'invalid_value'],
    [{ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], n: 2 }, 'n', 'unsupported_value'],
  ])('rejects %j as a 400 naming %s', async (request, param, code) => {
    const { status, body } = await postJson(simulator, '/v1/chat/completions', request, { authorization: 'Bearer secret-key' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param, code });
  });

  it('refuses a body over maxBodyBytes with 413 and counts it as rejected', async () => {
    const small = await startTestSimulator({ maxBodyBytes: 256 });
    try {
      const { status, body } = await postJson(small, '/v1/embeddings', { model: 'gpt-4o-mini', input: 'x'.repeat(300) });
      expect(status).toBe(413);
      expect(body.error.code).toBe('request_too_large');
      expect(small.stats()).toMatchObject({ started: 1, rejected: 1, inFlight: 0 });
    } finally {
      await small.close();
    }
  });

  it('answers unknown URLs and methods with the OpenAI 404', async () => {
    const { status, body } = await getJson(simulator, '/v1/chat/completions');
    expect(status).toBe(404);
    expect(body.error.message).toBe('Invalid URL (GET /v1/chat/completions)');
  });
});
