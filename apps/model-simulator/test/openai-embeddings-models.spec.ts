import { APIError } from 'openai';
import type { ModelSimulator } from '../src';
import { openAiClient, postJson, startTestSimulator } from './support/simulator-fixture';

function norm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

describe('embeddings and models through the official openai client', () => {
  let simulator: ModelSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ embeddingDimension: 64, models: ['text-embedding-3-small', 'gpt-4o-mini'] });
  });
  afterAll(() => simulator.close());

  it('returns one deterministic unit vector per input with usage', async () => {
    const client = openAiClient(simulator);
    const response = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['잔액 조회', 'credit risk report', '잔액 조회'] });

    expect(response.object).toBe('list');
    expect(response.model).toBe('text-embedding-3-small');
    expect(response.data.map((item) => item.index)).toEqual([0, 1, 2]);
    for (const item of response.data) {
      expect(item.object).toBe('embedding');
      expect(item.embedding).toHaveLength(64);
      expect(norm(item.embedding)).toBeCloseTo(1, 5);
    }
    expect(response.data[2].embedding).toEqual(response.data[0].embedding);
    expect(response.data[1].embedding).not.toEqual(response.data[0].embedding);
    expect(response.usage).toEqual({ prompt_tokens: 4 + 3 + 4, total_tokens: 11 });
  });

  it('gives the same numbers for float and base64 encoding (the client asks for base64 by default)', async () => {
    const client = openAiClient(simulator);
    const viaBase64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'loan' });
    const viaFloat = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'loan', encoding_format: 'float' });
    expect(viaBase64.data[0].embedding).toEqual(viaFloat.data[0].embedding);
  });

  it('shortens vectors with `dimensions` by truncating and re-normalizing', async () => {
    const client = openAiClient(simulator);
    const full = (await client.embeddings.create({ model: 'text-embedding-3-small', input: 'deposit' })).data[0].embedding;
    const short = (await client.embeddings.create({ model: 'text-embedding-3-small', input: 'deposit', dimensions: 8 })).data[0].embedding;
    const prefixNorm = norm(full.slice(0, 8));
    expect(short).toHaveLength(8);
    short.forEach((value, index) => expect(value).toBeCloseTo(full[index] / prefixNorm, 5));
  });

  it('accepts token-id inputs and counts one token per id', async () => {
    const { status, body } = await postJson(simulator, '/v1/embeddings', { model: 'text-embedding-3-small', input: [[1, 2, 3], [4]] });
    expect(status).toBe(200);
    expect(body.data).toHaveLength(2);
    expect(body.usage.prompt_tokens).toBe(4);
  });

  it('rejects empty inputs and oversized dimensions with 400', async () => {
    const empty = await postJson(simulator, '/v1/embeddings', { model: 'text-embedding-3-small', input: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ type: 'invalid_request_error', param: 'input' });

    const client = openAiClient(simulator);
    const error = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x', dimensions: 65 }).catch((caught: unknown) => caught);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).param).toBe('dimensions');
  });

  it('lists and retrieves the configured models', async () => {
    const client = openAiClient(simulator);
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['text-embedding-3-small', 'gpt-4o-mini']);

    const model = await client.models.retrieve('gpt-4o-mini');
    expect(model).toMatchObject({ id: 'gpt-4o-mini', object: 'model', owned_by: 'model-simulator' });
    const missing = await client.models.retrieve('gpt-4o').catch((caught: unknown) => caught);
    expect((missing as APIError).status).toBe(404);
  });
});
