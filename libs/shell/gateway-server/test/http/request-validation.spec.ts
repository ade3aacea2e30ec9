import { validateChatRequest, validateEmbeddingsRequest } from '../../src/http/request-validation';
import { GatewayError } from '../../src/http/openai-error';

function errorOf(run: () => unknown): { status: number; param: string | null; code: string } {
  try {
    run();
  } catch (error) {
    const e = error as GatewayError;
    return { status: e.status, param: e.param, code: e.code };
  }
  throw new Error('expected a GatewayError');
}

describe('validateChatRequest', () => {
  const messages = [{ role: 'user', content: 'hello' }];

  it('summarises a valid request', () => {
    expect(validateChatRequest({ model: 'm', messages, max_tokens: 20, stream: true, stream_options: { include_usage: true } })).toEqual({
      model: 'm',
      stream: true,
      maxTokens: 20,
      maxTokensField: 'max_tokens',
      choices: 1,
      includeUsage: true,
    });
  });

  it('holds the larger of max_tokens and max_completion_tokens to the limit, naming its field, and reads n', () => {
    const content = [{ type: 'text', text: 'abc' }];
    expect(validateChatRequest({ model: 'm', messages: [{ role: 'user', content }], max_completion_tokens: 5, max_tokens: 9 })).toMatchObject({
      maxTokens: 9,
      maxTokensField: 'max_tokens',
    });
    expect(validateChatRequest({ model: 'm', messages, max_completion_tokens: 900, max_tokens: 9 })).toMatchObject({
      maxTokens: 900,
      maxTokensField: 'max_completion_tokens',
    });
    expect(validateChatRequest({ model: 'm', messages, max_completion_tokens: 7 })).toMatchObject({ maxTokens: 7, maxTokensField: 'max_completion_tokens' });
    expect(validateChatRequest({ model: 'm', messages, n: 3 }).choices).toBe(3);
    expect(errorOf(() => validateChatRequest({ model: 'm', messages, n: 0 }))).toEqual({ status: 400, param: 'n', code: 'invalid_type' });
  });

  it.each([
    [{ messages }, 'model', 'missing_required_parameter'],
    [{ model: 42, messages }, 'model', 'invalid_type'],
    [{ model: 'm' }, 'messages', 'missing_required_parameter'],
    [{ model: 'm', messages: [] }, 'messages', 'invalid_type'],
    [{ model: 'm', messages: 'hi' }, 'messages', 'invalid_type'],
    [{ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', 'invalid_value'],
    [{ model: 'm', messages: [{ role: 'user', content: 7 }] }, 'messages[0].content', 'invalid_type'],
    [{ model: 'm', messages, max_tokens: 0 }, 'max_tokens', 'invalid_type'],
    [{ model: 'm', messages, max_tokens: 1.5 }, 'max_tokens', 'invalid_type'],
    [{ model: 'm', messages, stream: 'yes' }, 'stream', 'invalid_type'],
  ])('rejects %j', (body, param, code) => {
    expect(errorOf(() => validateChatRequest(body as Record<string, unknown>))).toEqual({ status: 400, param, code });
  });
});

describe('validateEmbeddingsRequest', () => {
  it('accepts strings, string arrays and token arrays', () => {
    for (const input of ['abc', ['ab', 'c'], [[1, 2, 3]], [7]]) expect(validateEmbeddingsRequest({ model: 'e', input })).toEqual({ model: 'e' });
  });

  it.each([
    [{ model: 'e' }, 'missing_required_parameter'],
    [{ model: 'e', input: [] }, 'invalid_type'],
    [{ model: 'e', input: [{}] }, 'invalid_type'],
    [{ model: 'e', input: '' }, 'invalid_value'],
  ])('rejects %j', (body, code) => {
    expect(errorOf(() => validateEmbeddingsRequest(body as Record<string, unknown>)).code).toBe(code);
  });
});
