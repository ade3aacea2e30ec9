import fc from 'fast-check';
import { MIN_PREFIX_CHARS, PREFIX_WINDOW_CHARS, promptPrefixKey } from '../../src/upstream/prompt-prefix';

const system = 'You are the assistant of a bank. '.repeat(20);

describe('prompt prefix key', () => {
  it('is the same for questions under one system prompt, different across system prompts', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const key = (question: string, prompt = system) =>
          promptPrefixKey('chat', {
            messages: [
              { role: 'system', content: prompt },
              { role: 'user', content: question },
            ],
          });
        return key(a) !== undefined && key(a) === key(b) && key(a) !== key(a, `${system}!`);
      }),
    );
  });

  it('is absent for a short prefix, a lone short message and operations without a prompt', () => {
    expect(
      promptPrefixKey('chat', {
        messages: [
          { role: 'system', content: 'short' },
          { role: 'user', content: 'q' },
        ],
      }),
    ).toBeUndefined();
    expect(promptPrefixKey('chat', { messages: [{ role: 'user', content: 'q'.repeat(MIN_PREFIX_CHARS) }] })).toBeUndefined();
    expect(promptPrefixKey('embeddings', { input: system })).toBeUndefined();
  });

  it('reads at most the prefix window: text past it changes nothing', () => {
    const long = 'x'.repeat(PREFIX_WINDOW_CHARS);
    const key = (tail: string) =>
      promptPrefixKey('chat', {
        messages: [
          { role: 'system', content: long + tail },
          { role: 'user', content: 'q' },
        ],
      });
    expect(key('a')).toBe(key('b'));
  });

  it('counts the text parts of array content and the head of a long legacy prompt', () => {
    const parts = promptPrefixKey('chat', {
      messages: [
        { role: 'system', content: [{ type: 'text', text: system }] },
        { role: 'user', content: 'q' },
      ],
    });
    expect(parts).toEqual(
      promptPrefixKey('chat', {
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: 'other' },
        ],
      }),
    );
    expect(promptPrefixKey('completions', { prompt: `${system}${system}${system}${system} question 1` })).toBe(
      promptPrefixKey('completions', { prompt: `${system}${system}${system}${system} question 2` }),
    );
  });

  it('costs the same for a huge prompt as for one the size of the window (bounded work)', () => {
    const timed = (content: string) => {
      const body = {
        messages: [
          { role: 'system', content },
          { role: 'user', content: 'q' },
        ],
      };
      for (let i = 0; i < 200; i++) promptPrefixKey('chat', body);
      const started = performance.now();
      for (let i = 0; i < 2_000; i++) promptPrefixKey('chat', body);
      return performance.now() - started;
    };
    const window = timed('y'.repeat(PREFIX_WINDOW_CHARS));
    const huge = timed('y'.repeat(1_000_000));
    expect(huge).toBeLessThan(window * 3);
  });
});
