import fc from 'fast-check';
import { PROMPT_KEYS, containsPattern, printableShare, promptNamedColumns, scannedColumns, type TextColumn } from '../src/checks/secret-columns';

/** PostgreSQL `LIKE` with the default escape character `\`, as a regular expression. */
function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') source += escapeRegExp(pattern[++i] ?? '');
    else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 'u');
}
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const column = (table: string, name: string, type = 'text'): TextColumn => ({ table, column: name, type });

describe('secret-check columns and patterns', () => {
  it('a needle pattern matches exactly the texts that contain the needle, wildcards and escapes included', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '%', '_', '\\', 'é') });
    fc.assert(
      fc.property(
        text.filter((needle) => needle.length > 0),
        text,
        text,
        text,
        (needle, haystack, before, after) => {
          const like = likeToRegExp(containsPattern(needle));
          expect(like.test(`${before}${needle}${after}`)).toBe(true);
          expect(like.test(haystack)).toBe(haystack.includes(needle));
        },
      ),
    );
  });

  it("skips the verification's own tables and nothing else", () => {
    const columns = [
      column('isolation_canaries', 'marker'),
      column('isolation_runs', 'report', 'jsonb'),
      column('migrations', 'name'),
      column('endpoints', 'name'),
      column('audit_events', 'details', 'jsonb'),
    ];
    expect(scannedColumns(columns)).toEqual([column('endpoints', 'name'), column('audit_events', 'details', 'jsonb')]);
  });

  it('flags text columns named for prompt or response content, except the HMAC columns and JSON columns', () => {
    const columns = [
      column('usage_records', 'prompt_text'),
      column('conversations', 'Message'),
      column('cache', 'completion', 'bytea'),
      column('cache', 'model_output', 'character varying'),
      column('audit_events', 'prompt_hmac'),
      column('audit_events', 'response_hmac'),
      column('other_table', 'response_hmac'),
      column('audit_events', 'details', 'jsonb'),
      column('requests', 'input_json', 'jsonb'),
      column('endpoints', 'upstream_url'),
    ];
    expect(promptNamedColumns(columns).map((c) => `${c.table}.${c.column}`)).toEqual([
      'usage_records.prompt_text',
      'conversations.Message',
      'cache.completion',
      'cache.model_output',
      'other_table.response_hmac',
    ]);
  });

  it('looks for the OpenAI prompt and completion keys in JSON values', () => {
    expect([...PROMPT_KEYS].sort()).toEqual(['choices', 'completion', 'content', 'input', 'messages', 'prompt']);
  });

  it('printable share: 0 for nothing, 1 for ASCII text, always within [0, 1]', () => {
    expect(printableShare(Buffer.alloc(0))).toBe(0);
    expect(printableShare(Buffer.from([0x00, 0x41, 0x7f, 0x20]))).toBe(0.5);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...' abcXYZ019~!'), minLength: 1 }), (text) => expect(printableShare(Buffer.from(text, 'ascii'))).toBe(1)),
    );
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        const share = printableShare(bytes);
        expect(share).toBeGreaterThanOrEqual(0);
        expect(share).toBeLessThanOrEqual(1);
      }),
    );
  });
});
