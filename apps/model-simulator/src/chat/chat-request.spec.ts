import { OpenAiError } from '../http/openai-error';
import { parseChatCompletionRequest, TOKENS_FOR_REPLY_PRIMING, TOKENS_PER_MESSAGE } from './chat-request';

const user = (content: unknown): Record<string, unknown> => ({ role: 'user', content });

function rejection(body: Record<string, unknown>, deployment: string | null = null): OpenAiError {
  try {
    parseChatCompletionRequest(body, deployment);
  } catch (error) {
    if (error instanceof OpenAiError) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

describe('parseChatCompletionRequest', () => {
  it('reads the fields the simulator acts on', () => {
    const request = parseChatCompletionRequest(
      { model: 'gpt-4o', messages: [user('hi there')], max_tokens: 9, stream: true, stream_options: { include_usage: true }, temperature: 0.2 },
      null,
    );
    expect(request).toMatchObject({ model: 'gpt-4o', maxTokens: 9, stream: true, includeUsage: true });
    expect(request.promptTokens).toBe(TOKENS_PER_MESSAGE + 1 + 2 + TOKENS_FOR_REPLY_PRIMING);
  });

  it('prefers max_completion_tokens over max_tokens and treats null as absent', () => {
    expect(parseChatCompletionRequest({ model: 'm', messages: [user('x')], max_tokens: 9, max_completion_tokens: 4 }, null).maxTokens).toBe(4);
    expect(parseChatCompletionRequest({ model: 'm', messages: [user('x')], max_tokens: null, stream: null }, null)).toMatchObject({
      maxTokens: null,
      stream: false,
    });
  });

  it('takes the model from the Azure deployment and ignores the body model', () => {
    const request = parseChatCompletionRequest({ model: 'other', messages: [user('x')] }, 'prod-gpt');
    expect(request.model).toBe('prod-gpt');
    expect(parseChatCompletionRequest({ messages: [user('x')] }, 'prod-gpt').contentSeed).toEqual(request.contentSeed);
  });

  it('seeds the content from model and messages only', () => {
    const seed = (body: Record<string, unknown>): unknown => parseChatCompletionRequest(body, null).contentSeed;
    const base = { model: 'm', messages: [user('x')] };
    expect(seed({ ...base, max_tokens: 3, temperature: 1, stream: true })).toEqual(seed(base));
    expect(seed({ messages: [user('x')], model: 'm' })).toEqual(seed(base));
    expect(seed({ ...base, model: 'n' })).not.toEqual(seed(base));
    expect(seed({ model: 'm', messages: [{ role: 'system', content: 'x' }] })).not.toEqual(seed(base));
    expect(seed({ model: 'm', messages: [user([{ type: 'text', text: 'x' }])] })).not.toEqual(seed({ model: 'm', messages: [user('y')] }));
  });

  it('lets only an assistant turn omit its content', () => {
    expect(parseChatCompletionRequest({ model: 'm', messages: [{ role: 'assistant', content: null }] }, null).promptTokens).toBe(
      TOKENS_PER_MESSAGE + 2 + TOKENS_FOR_REPLY_PRIMING,
    );
    expect(rejection({ model: 'm', messages: [{ role: 'user', content: null }] })).toMatchObject({ param: 'messages[0].content' });
  });

  it.each([
    [{ messages: [user('x')] }, 'model', 'missing_required_parameter'],
    [{ model: 7, messages: [user('x')] }, 'model', 'invalid_type'],
    [{ model: 'm' }, 'messages', 'missing_required_parameter'],
    [{ model: 'm', messages: {} }, 'messages', 'invalid_type'],
    [{ model: 'm', messages: [] }, 'messages', 'empty_array'],
    [{ model: 'm', messages: ['hi'] }, 'messages[0]', 'invalid_type'],
    [{ model: 'm', messages: [{ content: 'x' }] }, 'messages[0].role', 'missing_required_parameter'],
    [{ model: 'm', messages: [user('x'), { role: 'bot', content: 'x' }] }, 'messages[1].role', 'invalid_value'],
    [{ model: 'm', messages: [user(5)] }, 'messages[0].content', 'invalid_type'],
    [{ model: 'm', messages: [user([{ type: 'video' }])] }, 'messages[0].content[0].type', 'invalid_value'],
    [{ model: 'm', messages: [user([{ type: 'text' }])] }, 'messages[0].content[0].text', 'invalid_type'],
    [{ model: 'm', messages: [{ role: 'user', name: 3, content: 'x' }] }, 'messages[0].name', 'invalid_type'],
    [{ model: 'm', messages: [{ role: 'assistant', tool_calls: [{ function: { name: 'f' } }] }] }, 'messages[0].tool_calls[0].function', 'invalid_type'],
    [{ model: 'm', messages: [user('x')], max_tokens: 1.5 }, 'max_tokens', 'invalid_type'],
    [{ model: 'm', messages: [user('x')], max_completion_tokens: 0 }, 'max_completion_tokens', 'integer_below_min_value'],
    [{ model: 'm', messages: [user('x')], stream: 'yes' }, 'stream', 'invalid_type'],
    [{ model: 'm', messages: [user('x')], stream: true, stream_options: { include_usage: 1 } }, 'stream_options.include_usage', 'invalid_type'],
    [{ model: 'm', messages: [user('x')], n: 3 }, 'n', 'unsupported_value'],
  ])('rejects %j with param %s and code %s', (body, param, code) => {
    expect(rejection(body)).toMatchObject({ status: 400, type: 'invalid_request_error', param, code });
  });
});
