import { APIConnectionTimeoutError, APIError } from 'openai';
import type { ModelSimulator } from '../src';
import { SIMULATOR_HEADERS } from '../src';
import { eventually, openAiClient, postJson, startTestSimulator, USER_HELLO } from './support/simulator-fixture';

describe('fault injection', () => {
  let simulator: ModelSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ outputTokens: 5 });
  });
  afterEach(() => {
    simulator.resetSettings();
    simulator.resetStats();
  });
  afterAll(() => simulator.close());

  it.each([500, 503, 429])('answers x-sim-fail: %i with that status through the client', async (status) => {
    const client = openAiClient(simulator);
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: USER_HELLO }, { headers: { [SIMULATOR_HEADERS.fail]: String(status) } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(status);
    expect((error as APIError).error).toMatchObject({ message: expect.stringContaining('injected') });
    expect(simulator.stats().failedInjected).toBe(1);
  });

  it('fails every request at errorRate 1 with the configured errorStatus, and none at 0', async () => {
    const client = openAiClient(simulator);
    simulator.configure({ errorRate: 1, errorStatus: 503 });
    const statuses = await Promise.all(
      [1, 2, 3].map(() =>
        client.embeddings.create({ model: 'gpt-4o-mini', input: 'x' }).then(
          () => 200,
          (error: APIError) => error.status,
        ),
      ),
    );
    expect(statuses).toEqual([503, 503, 503]);

    simulator.configure({ errorRate: 0 });
    await expect(client.embeddings.create({ model: 'gpt-4o-mini', input: 'x' })).resolves.toBeDefined();
    expect(simulator.stats()).toMatchObject({ failedInjected: 3, served: { embeddings: 1 } });
  });

  it('lets x-sim-fail: none opt a request out of the error rate', async () => {
    simulator.configure({ errorRate: 1 });
    const { status } = await postJson(simulator, '/v1/embeddings', { model: 'gpt-4o-mini', input: 'x' }, { [SIMULATOR_HEADERS.fail]: 'none' });
    expect(status).toBe(200);
  });

  it('trips the client timeout when the request stalls before headers', async () => {
    const client = openAiClient(simulator, { timeoutMs: 150 });
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: USER_HELLO }, { headers: { [SIMULATOR_HEADERS.stall]: 'before-headers' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(simulator.stats().stalled).toBe(1);
    await eventually(() => simulator.stats().inFlight === 0);
    expect(simulator.stats()).toMatchObject({ aborted: 1, served: { total: 0 } });
  });

  it('stalls a stream after its first chunk', async () => {
    const client = openAiClient(simulator);
    const abort = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: USER_HELLO, stream: true },
      { headers: { [SIMULATOR_HEADERS.stall]: 'after-first-chunk' }, signal: abort.signal },
    );
    const received: unknown[] = [];
    const reading = (async () => {
      for await (const chunk of stream) received.push(chunk);
    })().catch((error: unknown) => error);

    await eventually(() => received.length === 1 && simulator.stats().stalled === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toHaveLength(1);
    abort.abort();
    await reading;
    await eventually(() => simulator.stats().inFlight === 0);
    expect(simulator.stats()).toMatchObject({ aborted: 1, served: { chatStream: 0 } });
  });

  it('stalls randomly chosen requests at stallRate 1 after stallAfterChunks events', async () => {
    simulator.configure({ stallRate: 1, stallAfterChunks: 3 });
    const abort = new AbortController();
    const response = await fetch(`${simulator.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: USER_HELLO, stream: true }),
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    let text = '';
    await eventually(() => simulator.stats().stalled === 1);
    while (text.split('\n\n').length - 1 < 3) text += new TextDecoder().decode((await reader.read()).value);
    expect(text.split('\n\n').filter((event) => event.length > 0)).toHaveLength(3);
    abort.abort();
    await eventually(() => simulator.stats().inFlight === 0);
  });

  it('sends headers but no body when a non-streaming request stalls after the first chunk', async () => {
    const abort = new AbortController();
    const response = await fetch(`${simulator.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIMULATOR_HEADERS.stall]: '1' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: USER_HELLO }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const body = response.text().catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(simulator.stats()).toMatchObject({ stalled: 1, inFlight: 1 });
    abort.abort();
    expect(await body).toMatchObject({ name: 'AbortError' });
    await eventually(() => simulator.stats().inFlight === 0);
  });

  it('stalls embeddings before headers (client timeout) or after headers (no body)', async () => {
    const client = openAiClient(simulator, { timeoutMs: 100 });
    const beforeHeaders = await client.embeddings
      .create({ model: 'gpt-4o-mini', input: 'x' }, { headers: { [SIMULATOR_HEADERS.stall]: 'before-headers' } })
      .catch((caught: unknown) => caught);
    expect(beforeHeaders).toBeInstanceOf(APIConnectionTimeoutError);

    const abort = new AbortController();
    const response = await fetch(`${simulator.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIMULATOR_HEADERS.stall]: 'after-first-chunk' },
      body: JSON.stringify({ model: 'gpt-4o-mini', input: 'x' }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const body = response.text().catch((error: unknown) => error);
    await eventually(() => simulator.stats().stalled === 2);
    abort.abort();
    expect(await body).toMatchObject({ name: 'AbortError' });
    await eventually(() => simulator.stats().inFlight === 0);
    expect(simulator.stats()).toMatchObject({ aborted: 2, served: { embeddings: 0 } });
  });

  it('rejects a malformed override header with 400 naming the header', async () => {
    const { status, body } = await postJson(
      simulator,
      '/v1/chat/completions',
      { model: 'gpt-4o-mini', messages: USER_HELLO },
      { [SIMULATOR_HEADERS.stall]: 'sometimes' },
    );
    expect(status).toBe(400);
    expect(body.error.param).toBe('x-sim-stall');
  });
});

describe('latency simulation', () => {
  let simulator: ModelSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ outputTokens: 4, ttftMs: 60, interTokenMs: 20 });
  });
  afterAll(() => simulator.close());

  it('delays the first streamed token by ttft and spaces tokens by the inter-token delay', async () => {
    const client = openAiClient(simulator);
    const started = performance.now();
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, stream: true });
    const arrivals: number[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(performance.now() - started);

    expect(arrivals).toHaveLength(4);
    // Timers may fire late on a busy machine, never early; arrival gaps can shrink when the
    // client reads late, so only lower bounds from the request start are reliable.
    expect(arrivals[0]).toBeGreaterThanOrEqual(60 - 2);
    expect(arrivals[3]).toBeGreaterThanOrEqual(60 + 3 * 20 - 2);
  });

  it('answers a non-streaming request after the whole generation time', async () => {
    const client = openAiClient(simulator);
    const started = performance.now();
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO });
    expect(performance.now() - started).toBeGreaterThanOrEqual(60 + 3 * 20 - 2);
  });

  it('takes per-request timing and length overrides from headers', async () => {
    const client = openAiClient(simulator);
    const started = performance.now();
    const completion = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: USER_HELLO },
      { headers: { [SIMULATOR_HEADERS.ttftMs]: '0', [SIMULATOR_HEADERS.interTokenMs]: '0', [SIMULATOR_HEADERS.outputTokens]: '7' } },
    );
    // Without the overrides it could not finish before 60 + 3 * 20 ms.
    expect(performance.now() - started).toBeLessThan(120);
    expect(completion.usage?.completion_tokens).toBe(7);
    expect(completion.choices[0].finish_reason).toBe('stop');
  });
});
