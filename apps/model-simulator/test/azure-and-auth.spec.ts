import { APIError } from 'openai';
import type { ModelSimulator } from '../src';
import { azureClient, getJson, openAiClient, postJson, startTestSimulator, USER_HELLO } from './support/simulator-fixture';

const API_KEY = 'sim-key-0123456789';

describe('authentication and the Azure OpenAI paths', () => {
  let simulator: ModelSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ apiKey: API_KEY, models: ['gpt-4o-mini', 'text-embedding-3-small'], outputTokens: 6 });
  });
  afterEach(() => simulator.resetStats());
  afterAll(() => simulator.close());

  it('accepts the configured key as a Bearer token and refuses a wrong one with 401', async () => {
    await expect(openAiClient(simulator, { apiKey: API_KEY }).chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO })).resolves.toBeDefined();

    const error = await openAiClient(simulator, { apiKey: 'sk-wrong-key-9999' })
      .chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(401);
    expect((error as APIError).code).toBe('invalid_api_key');
    expect((error as APIError).message).not.toContain('sk-wrong-key-9999');
    expect(simulator.stats()).toMatchObject({ started: 2, rejected: 1, served: { chat: 1 } });
  });

  it('refuses a request without any key and protects the model list', async () => {
    const missing = await postJson(simulator, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: USER_HELLO });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('invalid_api_key');
    expect((await getJson(simulator, '/v1/models')).status).toBe(401);
    expect((await getJson(simulator, '/v1/models', { authorization: `Bearer ${API_KEY}` })).status).toBe(200);
  });

  it('serves chat completions on the deployment path with the api-key header, model = deployment', async () => {
    const azure = azureClient(simulator, 'gpt-4o-mini', API_KEY);
    const completion = await azure.chat.completions.create({ model: 'ignored-by-azure', messages: USER_HELLO });
    const direct = await openAiClient(simulator, { apiKey: API_KEY }).chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO });

    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.choices[0].message.content).toBe(direct.choices[0].message.content);
    expect(completion.usage).toEqual(direct.usage);
  });

  it('streams and embeds on the deployment paths', async () => {
    const stream = await azureClient(simulator, 'gpt-4o-mini', API_KEY).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: USER_HELLO,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);

    const embeddings = await azureClient(simulator, 'text-embedding-3-small', API_KEY).embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello',
    });
    expect(embeddings.data[0].embedding).toHaveLength(1536);
    expect(simulator.stats().served).toMatchObject({ chatStream: 1, embeddings: 1 });
  });

  it('refuses a wrong api-key, an unknown deployment and a missing api-version', async () => {
    const wrongKey = await azureClient(simulator, 'gpt-4o-mini', 'nope')
      .chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO })
      .catch((caught: unknown) => caught);
    expect((wrongKey as APIError).status).toBe(401);

    const unknown = await azureClient(simulator, 'gpt-5-prod', API_KEY)
      .chat.completions.create({ model: 'gpt-5-prod', messages: USER_HELLO })
      .catch((caught: unknown) => caught);
    expect((unknown as APIError).status).toBe(404);
    expect((unknown as APIError).code).toBe('DeploymentNotFound');

    const noVersion = await postJson(simulator, '/openai/deployments/gpt-4o-mini/chat/completions', { messages: USER_HELLO }, { 'api-key': API_KEY });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.error.param).toBe('api-version');
  });
});
