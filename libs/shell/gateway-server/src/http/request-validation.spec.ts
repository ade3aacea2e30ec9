import { validateChatRequest, validateEmbeddingsRequest } from './request-validation';
import { GatewayError } from './openai-error';

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
      model: 'm', stream: true, maxTokens: 20, includeUsage: true, promptCharacters: 5,
    });
    expect(validateChatRequest({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'abc' }] }], max_completion_tokens: 5, max_tokens: 9 }).maxTokens).toBe(5);
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
    expect(validateEmbeddingsRequest({ model: 'e', input: 'abc' }).promptCharacters).toBe(3);
    expect(validateEmbeddingsRequest({ model: 'e', input: ['ab', 'c'] }).promptCharacters).toBe(3);
    expect(validateEmbeddingsRequest({ model: 'e', input: [[1, 2, 3]] }).promptCharacters).toBe(12);
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
