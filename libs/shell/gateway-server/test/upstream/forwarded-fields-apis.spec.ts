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

describe('checkForwardedFields for responses, completions, rerank and score', () => {
  it("passes each operation's standard fields to an OpenAI-compatible server", () => {
    const ok = (body: Record<string, unknown>, operation: 'responses' | 'completions' | 'rerank' | 'score') =>
      refusal(() => checkForwardedFields(body, 'openai-compatible', operation, []));
    expect(ok({ model: 'm', input: 'x', instructions: 'i', tools: [], max_output_tokens: 5, stream: true }, 'responses')).toBeUndefined();
    expect(ok({ model: 'm', prompt: 'x', max_tokens: 5, echo: false, suffix: 's', top_k: 3 }, 'completions')).toBeUndefined();
    expect(ok({ model: 'm', query: 'q', documents: ['d'], top_n: 1, return_documents: true }, 'rerank')).toBeUndefined();
    expect(ok({ model: 'm', text_1: 'a', text_2: 'b' }, 'score')).toBeUndefined();
  });

  it('refuses what would store prompts upstream or multiply the work', () => {
    for (const field of ['store', 'previous_response_id', 'conversation', 'background', 'include']) {
      expect(refusal(() => checkForwardedFields({ model: 'm', input: 'x', [field]: true }, 'openai-compatible', 'responses', []))).toMatchObject({
        status: 400,
        code: 'unsupported_parameter',
        param: field,
      });
    }
    expect(refusal(() => checkForwardedFields({ model: 'm', prompt: 'x', best_of: 4 }, 'openai-compatible', 'completions', []))).toMatchObject({
      code: 'unsupported_parameter',
      param: 'best_of',
    });
    expect(refusal(() => checkForwardedFields({ model: 'm', query: 'q', documents: [], priority: 1 }, 'openai-compatible', 'rerank', []))).toMatchObject({
      code: 'unsupported_parameter',
      param: 'priority',
    });
  });

  it('refuses rerank and score on Azure OpenAI, which serves neither', () => {
    for (const operation of ['rerank', 'score'] as const) {
      expect(refusal(() => checkForwardedFields({ model: 'm' }, 'azure-openai', operation, []))).toMatchObject({ status: 400, code: 'unsupported_operation' });
    }
  });
});
