import { checkForwardedFields } from '../../src/upstream/forwarded-fields';
import type { GatewayError } from '../../src/http/openai-error';

function refusal(run: () => void): { status: number; code: string; param: string | null } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    const { status, code, param } = error as GatewayError;
    return { status, code, param };
  }
}

describe('checkForwardedFields', () => {
  const chat = { model: 'm', messages: [], temperature: 1, max_completion_tokens: 5, tools: [], response_format: { type: 'json_object' } };

  it('passes the standard fields of every driver', () => {
    for (const driver of ['openai-compatible', 'azure-openai'] as const) {
      expect(refusal(() => checkForwardedFields(chat, driver, 'chat', []))).toBeUndefined();
      expect(refusal(() => checkForwardedFields({ model: 'e', input: 'x', dimensions: 8 }, driver, 'embeddings', []))).toBeUndefined();
    }
  });

  it.each([
    ['openai-compatible', 'chat', 'priority'],
    ['openai-compatible', 'chat', 'chat_template'],
    ['openai-compatible', 'chat', 'chat_template_kwargs'],
    ['openai-compatible', 'chat', 'documents'],
    ['openai-compatible', 'chat', 'guided_grammar'],
    ['azure-openai', 'chat', 'data_sources'],
    ['azure-openai', 'chat', 'top_k'],
    ['openai-compatible', 'embeddings', 'messages'],
    ['openai-compatible', 'chat', '__proto__'],
    ['openai-compatible', 'chat', 'constructor'],
  ] as const)('%s %s refuses `%s`, naming it', (driver, operation, field) => {
    const body = JSON.parse(`{"model":"m",${JSON.stringify(field)}:1}`) as Record<string, unknown>;
    expect(refusal(() => checkForwardedFields(body, driver, operation, []))).toEqual({ status: 400, code: 'unsupported_parameter', param: field });
  });

  it("forwards a field the endpoint's configuration allows", () => {
    expect(
      refusal(() => checkForwardedFields({ model: 'm', chat_template_kwargs: {} }, 'openai-compatible', 'chat', ['chat_template_kwargs'])),
    ).toBeUndefined();
  });
});
