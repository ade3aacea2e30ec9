import fc from 'fast-check';
import { exceedsJsonDepth } from '../../src/http/json-depth';

/** Nesting depth as JSON.parse sees it: each array or object is one level. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('exceedsJsonDepth', () => {
  it('agrees with the parsed depth for any JSON value, strings full of brackets, quotes and escapes included (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', '한', '\u0000', '\n') });
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(text, tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 8 }), (value, limit) => {
        expect(exceedsJsonDepth(bytes(JSON.stringify(value)), limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500 },
    );
  });

  it('stops at the limit on a very deep document (bounded work)', () => {
    expect(exceedsJsonDepth(bytes(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`), 64)).toBe(true);
    expect(exceedsJsonDepth(bytes(`{"a":${'['.repeat(64)}${']'.repeat(64)}}`), 64)).toBe(true);
    expect(exceedsJsonDepth(bytes(`{"a":${'['.repeat(63)}${']'.repeat(63)}}`), 64)).toBe(false);
  });
});
