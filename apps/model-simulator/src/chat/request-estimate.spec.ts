import fc from 'fast-check';
import { estimateChatRequest, estimateEmbeddingsRequest } from '@ai-commons/token-count';
import { parseChatCompletionRequest, TOKENS_PER_NON_TEXT_PART } from './chat-request';
import { parseEmbeddingRequest } from '../embeddings/embedding-request';

/**
 * The gateway's admission estimate (libs/domain/token-count) against this simulator's own usage
 * figures: the estimate must never be lower, or quota admission would let more through than the
 * pool's capacity.
 */
const HANGUL = fc.integer({ min: 0xac00, max: 0xd7a3 }).map((code) => String.fromCharCode(code));
const TEXT = fc
  .array(
    fc.oneof(HANGUL, fc.constantFrom(' ', '.', '😀', '₩', '\n', 'é'), fc.stringMatching(/^[A-Za-z0-9]{1,12}$/), fc.string({ unit: 'grapheme', maxLength: 6 })),
    { maxLength: 30 },
  )
  .map((pieces) => pieces.join(''));
const PART = fc.oneof(
  TEXT.map((text) => ({ type: 'text', text })),
  fc.constant({ type: 'image_url', image_url: { url: 'https://example.test/x.png' } }),
  fc.constant({ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }),
);
const TOOL_CALL = fc.record({ id: fc.string({ maxLength: 8 }), type: fc.constant('function'), function: fc.record({ name: TEXT, arguments: TEXT }) });
const MESSAGE = fc.oneof(
  fc.record(
    { role: fc.constantFrom('system', 'developer', 'user', 'tool'), content: fc.oneof(TEXT, fc.array(PART, { maxLength: 4 })) },
    { requiredKeys: ['role', 'content'] },
  ),
  fc.record({ role: fc.constant('user'), content: TEXT, name: TEXT }),
  fc.record({ role: fc.constant('assistant'), content: fc.constant(null), tool_calls: fc.array(TOOL_CALL, { maxLength: 3 }) }),
);

describe('the gateway estimate bounds the simulator count', () => {
  it('for chat requests with text in any script, images, names and tool calls', () => {
    fc.assert(
      fc.property(fc.array(MESSAGE, { minLength: 1, maxLength: 6 }), fc.integer({ min: TOKENS_PER_NON_TEXT_PART, max: 2_000 }), (messages, imageTokens) => {
        const body = { model: 'm', messages };
        const counted = parseChatCompletionRequest(body, null).promptTokens;
        expect(estimateChatRequest(body, { imageTokens }, 1).promptTokens).toBeGreaterThanOrEqual(counted);
      }),
      { numRuns: 500 },
    );
  });

  it('for embeddings inputs', () => {
    fc.assert(
      fc.property(
        fc.array(
          TEXT.filter((text) => text.length > 0),
          { minLength: 1, maxLength: 5 },
        ),
        (input) => {
          const body = { model: 'm', input };
          expect(estimateEmbeddingsRequest(body).promptTokens).toBeGreaterThanOrEqual(parseEmbeddingRequest(body, null).promptTokens);
        },
      ),
    );
  });

  it('counts n choices of the output allowance', () => {
    expect(estimateChatRequest({ messages: [], n: 3 }, { imageTokens: 85 }, 100).outputTokens).toBe(300);
  });
});
