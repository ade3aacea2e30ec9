import { forwardedTextsOf } from '../../src/gateway/forwarded-texts';

describe('forwardedTextsOf', () => {
  it('finds every string, long integer and key at any depth, not only message content', () => {
    const body = JSON.parse(
      JSON.stringify({
        model: 'm',
        user: 'u1',
        seed: 7,
        metadata: { note: 'n1' },
        prediction: { type: 'content', content: 'p1' },
        messages: [
          {
            role: 'user',
            name: 'nm',
            content: [
              { type: 'text', text: 't1' },
              { type: 'image_url', image_url: { url: 'https://x/1' } },
            ],
          },
          {
            role: 'assistant',
            content: [{ type: 'refusal', refusal: 'r1' }],
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'o1' },
        ],
        tools: [{ type: 'function', function: { name: 'f', description: 'd1', parameters: { type: 'object' } } }],
        custom: [[[{ deep: 9001011234568 }]]],
      }),
    ) as Record<string, unknown>;
    const texts = forwardedTextsOf(body).map((part) => part.text);
    for (const expected of ['u1', 'n1', 'p1', 'nm', 't1', 'https://x/1', 'r1', '{"a":1}', 'c1', 'o1', 'd1', '9001011234568', 'metadata', 'deep']) {
      expect(texts).toContain(expected);
    }
    expect(texts).not.toContain('7');
  });

  it('writes masked values back, then renames masked keys in place, keeping order', () => {
    const body = JSON.parse('{"a":{"k900101":"v","z":"w"},"n":9001011234568}') as Record<string, any>;
    for (const part of forwardedTextsOf(body)) {
      if (part.text === 'v') part.write('V');
      if (part.text === 'k900101') part.write('k******');
      if (part.text === '9001011234568') part.write('9001011******');
    }
    expect(JSON.stringify(body)).toBe('{"a":{"k******":"V","z":"w"},"n":"9001011******"}');
  });

  it('treats a __proto__ key as data and walks a deep body without recursion', () => {
    const body = JSON.parse('{"__proto__":{"x":"secret"}}') as Record<string, any>;
    const [part] = forwardedTextsOf(body).filter((candidate) => candidate.text === 'secret');
    part.write('masked');
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(JSON.stringify(body)).toBe('{"__proto__":{"x":"masked"}}');

    let deep: unknown = 'bottom';
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(forwardedTextsOf({ deep }).map((candidate) => candidate.text)).toContain('bottom');
  });
});
