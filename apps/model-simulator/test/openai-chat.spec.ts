import { APIError } from 'openai';
import type { ModelSimulator } from '../src';
import { countTokens } from '../src';
import { openAiClient, startTestSimulator, USER_HELLO } from './support/simulator-fixture';

describe('chat completions through the official openai client', () => {
  let simulator: ModelSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ outputTokens: 12 });
  });
  afterAll(() => simulator.close());

  it('answers a non-streaming completion in the OpenAI shape with deterministic content', async () => {
    const client = openAiClient(simulator);
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO });
    const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO });

    expect(first.id).toMatch(/^chatcmpl-/);
    expect(first.id).not.toBe(second.id);
    expect(first.object).toBe('chat.completion');
    expect(first.model).toBe('gpt-4o-mini');
    expect(first.created).toBeCloseTo(Date.now() / 1000, -1);
    expect(first.choices).toHaveLength(1);
    expect(first.choices[0].message.role).toBe('assistant');
    expect(first.choices[0].finish_reason).toBe('stop');
    const content = first.choices[0].message.content ?? '';
    expect(second.choices[0].message.content).toBe(content);
    expect(countTokens(content)).toBe(12);
    // 3 per message + role "user" (1) + "Hello, how are you?" (6) + 3 reply priming.
    expect(first.usage).toEqual({ prompt_tokens: 13, completion_tokens: 12, total_tokens: 25 });
  });

  it('derives different content from a different model or different messages', async () => {
    const client = openAiClient(simulator);
    const content = async (model: string, text: string): Promise<string | null> =>
      (await client.chat.completions.create({ model, messages: [{ role: 'user', content: text }] })).choices[0].message.content;

    const base = await content('gpt-4o-mini', 'Summarize the quarterly report');
    expect(await content('gpt-4o', 'Summarize the quarterly report')).not.toBe(base);
    expect(await content('gpt-4o-mini', 'Summarize the annual report')).not.toBe(base);
  });

  it('cuts the completion at max_tokens with finish_reason "length", as a prefix of the full text', async () => {
    const client = openAiClient(simulator);
    const full = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO });
    const capped = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, max_tokens: 4 });
    const cappedNew = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, max_completion_tokens: 5 });

    expect(capped.choices[0].finish_reason).toBe('length');
    expect(capped.usage?.completion_tokens).toBe(4);
    expect(full.choices[0].message.content?.startsWith(capped.choices[0].message.content ?? '<none>')).toBe(true);
    expect(cappedNew.usage?.completion_tokens).toBe(5);
    expect(cappedNew.choices[0].finish_reason).toBe('length');
  });

  it('finishes with "stop" when max_tokens is not below the configured length', async () => {
    const client = openAiClient(simulator);
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, max_tokens: 12 });
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBe(12);
  });

  it('streams the same content token by token, with a final usage chunk and [DONE]', async () => {
    const client = openAiClient(simulator);
    const whole = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: USER_HELLO,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const contentChunks = chunks.filter((chunk) => chunk.choices[0]?.delta.content);
    expect(contentChunks).toHaveLength(12);
    expect(contentChunks.map((chunk) => chunk.choices[0].delta.content).join('')).toBe(whole.choices[0].message.content);
    for (const chunk of chunks) {
      expect(chunk.object).toBe('chat.completion.chunk');
      expect(chunk.id).toBe(chunks[0].id);
      expect(chunk.model).toBe('gpt-4o-mini');
    }
    const finish = chunks[chunks.length - 2];
    expect(finish.choices[0].finish_reason).toBe('stop');
    const usageChunk = chunks[chunks.length - 1];
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual(whole.usage);
  });

  it('streams without a usage chunk unless include_usage is set, and honours max_tokens', async () => {
    const client = openAiClient(simulator);
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, stream: true, max_tokens: 3 });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks).toHaveLength(1 + 3 + 1);
    expect(chunks.every((chunk) => chunk.choices.length === 1 && chunk.usage === undefined)).toBe(true);
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('length');
  });

  it('ends the raw SSE body with data: [DONE]', async () => {
    const response = await fetch(`${simulator.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: USER_HELLO, stream: true, max_tokens: 2 }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = (await response.text()).split('\n\n').filter((event) => event.length > 0);
    expect(events).toHaveLength(1 + 2 + 1 + 1);
    expect(events[events.length - 1]).toBe('data: [DONE]');
    for (const event of events.slice(0, -1)) expect(() => JSON.parse(event.slice('data: '.length))).not.toThrow();
  });

  it('counts prompt tokens over names, content parts and tool calls', async () => {
    const client = openAiClient(simulator);
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' }, // 3 + 1 + 4
        {
          role: 'user',
          name: 'kim',
          content: [
            { type: 'text', text: '잔액 조회' },
            { type: 'image_url', image_url: { url: 'data:,x' } },
          ],
        }, // 3 + 1 + (1 + 1) + 4 + 85
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'balance', arguments: '{"id":7}' } }],
        }, // 3 + "assistant" (9 letters: 2) + "balance" 1 + '{"id":7}' 7
        { role: 'tool', tool_call_id: 'call_1', content: '1000' }, // 3 + 1 + 1
      ],
    });
    expect(completion.usage?.prompt_tokens).toBe(8 + 95 + 13 + 5 + 3);
  });

  it('surfaces bad input as a 400 APIError with the OpenAI error body', async () => {
    const client = openAiClient(simulator);
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [], max_tokens: 3 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).type).toBe('invalid_request_error');
    expect((error as APIError).param).toBe('messages');
    expect((error as APIError).code).toBe('empty_array');
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const client = openAiClient(simulator);
    const error = await client.chat.completions.create({ model: 'gpt-9', messages: USER_HELLO }).catch((caught: unknown) => caught);
    expect((error as APIError).status).toBe(404);
    expect((error as APIError).code).toBe('model_not_found');
  });
});
