import OpenAI from 'openai';
import { withPg } from '@ai-commons/testing';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { e2eDatabase, eventually, startControlPlane, startGateway } from './support/environment';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { apiKeyHashHex, createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';

const UPSTREAM_SECRET = 'sk-upstream-completions-4b1e';
// A valid RRN (checksum): masked by the default policy.
const RRN = '900101-1234568';

describe('responses, legacy completions and rerank through the gateway (official openai client → gateway → model simulator)', () => {
  let controlPlane: ControlPlane;
  let simulator: SimulatorProcess;
  let gateway: Gateway;
  let key: string;

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    simulator = await startSimulatorProcess([
      '--models',
      'sim-llama,sim-rerank',
      '--api-key',
      UPSTREAM_SECRET,
      '--output-tokens',
      '12',
      '--record-last-request',
      'true',
    ]);
    await createEndpointFixture({
      tenantSlug: 'hanbit-bank',
      name: 'cmpl-llama',
      upstreamUrl: simulator.url,
      upstreamModel: 'sim-llama',
      credential: UPSTREAM_SECRET,
      limits: { max_output_tokens: 64, default_max_tokens: 32 },
    });
    await createEndpointFixture({
      tenantSlug: 'hanbit-bank',
      name: 'rr-model',
      upstreamUrl: simulator.url,
      upstreamModel: 'sim-rerank',
      credential: UPSTREAM_SECRET,
    });
    key = (await createApiKeyFixture('hanbit-bank')).secret;
    gateway = await startGateway();
    await eventually(() => gateway.routing.table().apiKey(apiKeyHashHex(key)) !== undefined);
  });
  afterAll(async () => {
    await gateway.close();
    await simulator.stop();
    await controlPlane.close();
  });

  const client = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });

  async function usageRows(requestId: string) {
    await gateway.usage.flush();
    return withPg(e2eDatabase().superuserUrl, async (pg) => (await pg.query('select * from usage_records where request_id = $1', [requestId])).rows);
  }

  it('answers client.completions.create and meters usage from the response', async () => {
    const { data } = await client()
      .completions.create({ model: 'cmpl-llama', prompt: '대출 상품 요약:' }, { headers: { 'x-request-id': 'e2e-cmpl-1' } })
      .withResponse();
    expect(data.object).toBe('text_completion');
    expect(data.choices[0].text).toEqual(expect.any(String));
    expect(data.usage).toMatchObject({ completion_tokens: 12 });
    const [row] = await usageRows('e2e-cmpl-1');
    expect(row).toMatchObject({
      endpoint_name: 'cmpl-llama',
      model: 'sim-llama',
      outcome: 'success',
      http_status: 200,
      streamed: false,
      prompt_tokens: data.usage!.prompt_tokens,
      completion_tokens: 12,
    });
  });

  it('streams a completion chunk by chunk, with the same text, and meters the stream', async () => {
    const whole = await client().completions.create({ model: 'cmpl-llama', prompt: 'stream please' });
    const stream = await client().completions.create(
      { model: 'cmpl-llama', prompt: 'stream please', stream: true },
      { headers: { 'x-request-id': 'e2e-cmpl-stream-1' } },
    );
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      // The gateway asked for usage to meter the stream; the caller did not, so it never sees it.
      expect(chunk.usage ?? undefined).toBeUndefined();
      text += chunk.choices[0]?.text ?? '';
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toBe(whole.choices[0].text);
    const [row] = await usageRows('e2e-cmpl-stream-1');
    expect(row).toMatchObject({ outcome: 'success', streamed: true, completion_tokens: 12, prompt_tokens: whole.usage!.prompt_tokens });
  });

  it('masks PII in the prompt before it reaches the model', async () => {
    await client().completions.create({ model: 'cmpl-llama', prompt: [`주민번호 ${RRN} 고객 요약`] });
    const { request } = (await (await fetch(`${simulator.url}/_sim/last-request`)).json()) as { request: { path: string; body: any } };
    expect(request.path).toBe('/v1/completions');
    expect(JSON.stringify(request.body)).not.toContain(RRN);
  });

  it('refuses fields outside the completions allow-list, malformed prompts and max_tokens over the limit', async () => {
    const post = async (body: unknown) => {
      const response = await fetch(`${gateway.url}/v1/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, error: ((await response.json()) as { error: { code: string; param: string | null } }).error };
    };
    expect(await post({ model: 'cmpl-llama', prompt: 'x', best_of: 4 })).toMatchObject({
      status: 400,
      error: { code: 'unsupported_parameter', param: 'best_of' },
    });
    expect(await post({ model: 'cmpl-llama', prompt: 'x', messages: [] })).toMatchObject({
      status: 400,
      error: { code: 'unsupported_parameter', param: 'messages' },
    });
    expect(await post({ model: 'cmpl-llama' })).toMatchObject({ status: 400, error: { param: 'prompt' } });
    for (const prompt of ['', [], [{}], [''], 42, Array.from({ length: 2049 }, () => 'a')]) {
      expect(await post({ model: 'cmpl-llama', prompt })).toMatchObject({ status: 400, error: { param: 'prompt' } });
    }
    expect(await post({ model: 'cmpl-llama', prompt: 'x', max_tokens: 65 })).toMatchObject({ status: 400, error: { code: 'max_tokens_exceeded' } });
    expect(await post({ model: 'cmpl-llama', prompt: 'x', stream: 'yes' })).toMatchObject({ status: 400, error: { param: 'stream' } });
  });

  async function rerank(body: unknown, requestId = `e2e-rr-${Math.random().toString(36).slice(2)}`) {
    const response = await fetch(`${gateway.url}/v1/rerank`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('reranks documents (plain HTTP), deterministically, and meters the tokens the upstream reports', async () => {
    const documents = ['예금 금리 안내', { text: '대출 상환 방법' }, '카드 분실 신고'];
    const first = await rerank({ model: 'rr-model', query: '대출', documents, top_n: 2, return_documents: true }, 'e2e-rr-1');
    expect(first.status).toBe(200);
    expect(first.body.results).toHaveLength(2);
    expect(first.body.results[0]).toEqual({ index: expect.any(Number), relevance_score: expect.any(Number), document: { text: expect.any(String) } });
    expect(first.body.results[0].relevance_score).toBeGreaterThanOrEqual(first.body.results[1].relevance_score);
    expect((await rerank({ model: 'rr-model', query: '대출', documents, top_n: 2, return_documents: true })).body.results).toEqual(first.body.results);
    const [row] = await usageRows('e2e-rr-1');
    expect(row).toMatchObject({
      endpoint_name: 'rr-model',
      outcome: 'success',
      http_status: 200,
      prompt_tokens: first.body.usage.total_tokens,
      completion_tokens: 0,
    });
  });

  it('masks PII in the query and the documents before they reach the model', async () => {
    await rerank({ model: 'rr-model', query: `주민번호 ${RRN}`, documents: [`고객 ${RRN}`, { text: `다시 ${RRN}` }] });
    const { request } = (await (await fetch(`${simulator.url}/_sim/last-request`)).json()) as { request: { path: string; body: any } };
    expect(request.path).toBe('/v1/rerank');
    expect(JSON.stringify(request.body)).not.toContain(RRN);
  });

  it('refuses malformed rerank bodies at the edge', async () => {
    const bad = [
      [{ model: 'rr-model', documents: ['a'] }, 'query'],
      [{ model: 'rr-model', query: '', documents: ['a'] }, 'query'],
      [{ model: 'rr-model', query: 'q' }, 'documents'],
      [{ model: 'rr-model', query: 'q', documents: [] }, 'documents'],
      [{ model: 'rr-model', query: 'q', documents: Array.from({ length: 1025 }, () => 'a') }, 'documents'],
      [{ model: 'rr-model', query: 'q', documents: [42] }, 'documents[0]'],
      [{ model: 'rr-model', query: 'q', documents: [{ text: 'a', priority: 1 }] }, 'documents[0]'],
      [{ model: 'rr-model', query: 'q', documents: ['a'], top_n: 0 }, 'top_n'],
      [{ model: 'rr-model', query: 'q', documents: ['a'], return_documents: 'yes' }, 'return_documents'],
      [{ model: 'rr-model', query: 'q', documents: ['a'], priority: 10 }, 'priority'],
    ] as const;
    for (const [body, param] of bad) expect({ param, ...(await rerank(body)) }).toMatchObject({ param, status: 400, body: { error: { param } } });
  });

  it('answers client.responses.create with instructions and input items, and meters input/output tokens', async () => {
    const { data } = await client()
      .responses.create(
        {
          model: 'cmpl-llama',
          instructions: '간결하게 답하라',
          input: [
            { role: 'user', content: '잔액 조회' },
            { type: 'function_call', call_id: 'call_1', name: 'balance', arguments: '{"account":"1"}' },
            { type: 'function_call_output', call_id: 'call_1', output: '{"balance":100}' },
          ],
          tools: [{ type: 'function', name: 'balance', parameters: { type: 'object', properties: {} }, strict: false }],
        },
        { headers: { 'x-request-id': 'e2e-resp-1' } },
      )
      .withResponse();
    expect(data.object).toBe('response');
    expect(data.output_text).toEqual(expect.any(String));
    expect(data.output_text.length).toBeGreaterThan(0);
    expect(data.usage).toMatchObject({ output_tokens: 12 });
    const [row] = await usageRows('e2e-resp-1');
    expect(row).toMatchObject({
      endpoint_name: 'cmpl-llama',
      outcome: 'success',
      streamed: false,
      prompt_tokens: data.usage!.input_tokens,
      completion_tokens: 12,
    });
  });

  it('streams a response with the Responses event types and meters it from response.completed', async () => {
    const whole = await client().responses.create({ model: 'cmpl-llama', input: 'stream please' });
    const stream = await client().responses.create(
      { model: 'cmpl-llama', input: 'stream please', stream: true },
      { headers: { 'x-request-id': 'e2e-resp-stream-1' } },
    );
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_text.delta');
    expect(types.at(-1)).toBe('response.completed');
    expect(text).toBe(whole.output_text);
    const [row] = await usageRows('e2e-resp-stream-1');
    expect(row).toMatchObject({ outcome: 'success', streamed: true, completion_tokens: 12, prompt_tokens: whole.usage!.input_tokens });
  });

  it('masks PII in instructions and input items before they reach the model', async () => {
    await client().responses.create({
      model: 'cmpl-llama',
      instructions: `고객 ${RRN}`,
      input: [{ role: 'user', content: [{ type: 'input_text', text: `주민번호 ${RRN}` }] }],
    });
    const { request } = (await (await fetch(`${simulator.url}/_sim/last-request`)).json()) as { request: { path: string; body: any } };
    expect(request.path).toBe('/v1/responses');
    expect(JSON.stringify(request.body)).not.toContain(RRN);
  });

  it('refuses previous_response_id, store and malformed responses bodies with a clear 400', async () => {
    const post = async (body: unknown) => {
      const response = await fetch(`${gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, error: ((await response.json()) as { error: { code: string; param: string | null } }).error };
    };
    expect(await post({ model: 'cmpl-llama', input: 'x', previous_response_id: 'resp_1' })).toMatchObject({
      status: 400,
      error: { code: 'previous_response_not_supported', param: 'previous_response_id' },
    });
    expect(await post({ model: 'cmpl-llama', input: 'x', store: true })).toMatchObject({
      status: 400,
      error: { code: 'unsupported_parameter', param: 'store' },
    });
    for (const input of [undefined, '', [], [1], ['a'], Array.from({ length: 2049 }, () => ({}))]) {
      expect(await post({ model: 'cmpl-llama', input })).toMatchObject({ status: 400, error: { param: expect.stringMatching(/^input/) } });
    }
    expect(await post({ model: 'cmpl-llama', input: 'x', instructions: 7 })).toMatchObject({ status: 400, error: { param: 'instructions' } });
    expect(await post({ model: 'cmpl-llama', input: 'x', max_output_tokens: 65 })).toMatchObject({
      status: 400,
      error: { code: 'max_tokens_exceeded', param: 'max_output_tokens' },
    });
  });

  it('scores text pairs (vLLM /v1/score), masks PII, meters prompt tokens and refuses mismatched lists', async () => {
    const post = async (body: unknown, requestId = `e2e-score-${Math.random().toString(36).slice(2)}`) => {
      const response = await fetch(`${gateway.url}/v1/score`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const scored = await post({ model: 'rr-model', text_1: `대출 ${RRN}`, text_2: ['금리', '상환'] }, 'e2e-score-1');
    expect(scored.status).toBe(200);
    expect(scored.body.data).toEqual([
      { index: 0, object: 'score', score: expect.any(Number) },
      { index: 1, object: 'score', score: expect.any(Number) },
    ]);
    const { request } = (await (await fetch(`${simulator.url}/_sim/last-request`)).json()) as { request: { path: string; body: any } };
    expect(request.path).toBe('/v1/score');
    expect(JSON.stringify(request.body)).not.toContain(RRN);
    const [row] = await usageRows('e2e-score-1');
    expect(row).toMatchObject({ outcome: 'success', prompt_tokens: scored.body.usage.prompt_tokens, completion_tokens: 0 });
    expect(await post({ model: 'rr-model', text_1: ['a', 'b'], text_2: ['c', 'd', 'e'] })).toMatchObject({ status: 400, body: { error: { param: 'text_1' } } });
    expect(await post({ model: 'rr-model', text_1: 'a', text_2: [] })).toMatchObject({ status: 400, body: { error: { param: 'text_2' } } });
    expect(await post({ model: 'rr-model', text_1: 'a', text_2: 'b', truncate_prompt_tokens: 5 })).toMatchObject({
      status: 400,
      body: { error: { param: 'truncate_prompt_tokens' } },
    });
  });
});
