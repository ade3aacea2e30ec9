import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { canonicalJson, decodeEventLine, encodeEventLine, JsonValue, leafHash, leafHashOfRange, scanCanonicalEventLine } from '../src';

/** The slow, obviously-correct judgement: parse, re-canonicalize, compare. */
function referenceVerdict(line: Buffer): { canonical: false } | { canonical: true; leafIndex: number; event: Buffer } {
  if (!isUtf8(line)) return { canonical: false };
  try {
    const decoded = decodeEventLine(line.toString('utf8'));
    return decoded.isCanonical ? { canonical: true, leafIndex: decoded.leafIndex, event: Buffer.from(decoded.canonicalEvent) } : { canonical: false };
  } catch {
    return { canonical: false };
  }
}

function expectSameVerdict(line: Buffer): void {
  const fast = scanCanonicalEventLine(line);
  const reference = referenceVerdict(line);
  expect({ line: line.toString('utf8'), canonical: fast !== null }).toEqual({ line: line.toString('utf8'), canonical: reference.canonical });
  if (fast !== null && reference.canonical) {
    expect(fast.leafIndex).toBe(reference.leafIndex);
    expect(line.subarray(fast.eventStart, fast.eventEnd).equals(reference.event)).toBe(true);
  }
}

const lineWith = (eventText: string, leafIndexText = '42'): Buffer => Buffer.from(`{"event":${eventText},"leafIndex":${leafIndexText}}`);
const events = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;

describe('scanCanonicalEventLine agrees with parse-and-recanonicalize', () => {
  it('accepts every encoded line and finds the event bytes', () => {
    fc.assert(
      fc.property(events, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (event, leafIndex) => {
        const line = Buffer.from(encodeEventLine({ leafIndex, event }));
        const scanned = scanCanonicalEventLine(line);
        expect(scanned).not.toBeNull();
        expect(scanned!.leafIndex).toBe(leafIndex);
        expect(line.subarray(scanned!.eventStart, scanned!.eventEnd).toString('utf8')).toBe(canonicalJson(event));
        expect(leafHashOfRange(line, scanned!.eventStart, scanned!.eventEnd)).toEqual(leafHash(Buffer.from(canonicalJson(event))));
      }),
      { numRuns: 200 },
    );
  });

  it('judges any single-byte change like the reference', () => {
    fc.assert(
      fc.property(events, fc.nat(), fc.integer({ min: 0, max: 255 }), (event, at, byte) => {
        const line = Buffer.from(encodeEventLine({ leafIndex: 7, event }));
        line[at % line.length] = byte;
        expectSameVerdict(line);
      }),
      { numRuns: 200 },
    );
  });

  it('judges inserted or deleted bytes like the reference', () => {
    fc.assert(
      fc.property(events, fc.nat(), fc.constantFrom(' ', '\n', ',', '"', '0', '\\', '}', ']', '-', 'e', '.'), fc.boolean(), (event, at, text, insert) => {
        const line = encodeEventLine({ leafIndex: 3, event });
        const position = at % line.length;
        const changed = insert ? line.slice(0, position) + text + line.slice(position) : line.slice(0, position) + line.slice(position + 1);
        expectSameVerdict(Buffer.from(changed));
      }),
      { numRuns: 200 },
    );
  });

  it('accepts a number token exactly when it is the ECMAScript form of its value', () => {
    const spellings = fc.oneof(
      fc
        .double({ noNaN: true })
        .chain((d) => fc.constantFrom(String(d), d.toExponential(), d.toExponential().toUpperCase(), d.toFixed(2), d.toPrecision(17), `${d}0`, `0${d}`)),
      fc.integer().map(String),
      fc.constantFrom('-0', '0.0', '1e3', '1e+3', '1000', '1E+3', '01', '+1', '.5', '5.', '1e400', '-1e-400', '9007199254740993', '123456789012345678'),
    );
    fc.assert(
      fc.property(spellings, (token) => {
        expectSameVerdict(lineWith(`{"n":${token}}`));
        expectSameVerdict(lineWith(`[${token},${token}]`));
      }),
      { numRuns: 200 },
    );
  });

  it('accepts a string token exactly when JSON.stringify would write it', () => {
    const spellings = fc.string({ unit: 'binary', maxLength: 6 }).chain((text) =>
      fc.constantFrom(
        JSON.stringify(text),
        JSON.stringify(text).replace(/\//g, '\\/'),
        JSON.stringify(text).replace(/\\u00([0-9a-f]{2})/g, (_m, hex: string) => `\\u00${hex.toUpperCase()}`),
        `"${[...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`,
        `"${text}"`,
      ),
    );
    fc.assert(
      fc.property(spellings, (token) => {
        expectSameVerdict(lineWith(token));
        expectSameVerdict(lineWith(`{${token}:1}`));
      }),
      { numRuns: 200 },
    );
  });

  it('accepts objects exactly when their keys are in UTF-16 order without duplicates', () => {
    const keys = fc.array(fc.string({ unit: 'grapheme', maxLength: 3 }), { minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(keys, (names) => {
        expectSameVerdict(lineWith(`{${names.map((name, i) => `${JSON.stringify(name)}:${i}`).join(',')}}`));
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['whitespace between tokens', '{"a": 1}'],
    ['a leading-zero leaf index', '{}', '007'],
    ['a negative leaf index', '{}', '-1'],
    ['a leaf index beyond 2^53', '{}', '9007199254740993'],
    ['an unescaped control character', '"a\tb"'],
  ])('leaves %s to the reference', (_name, eventText, leafIndexText = '1') => {
    expectSameVerdict(lineWith(eventText, leafIndexText));
  });

  it('hands very deep nesting to the slow path, which still accepts it', () => {
    const line = lineWith(`${'['.repeat(600)}${']'.repeat(600)}`);
    expect(scanCanonicalEventLine(line)).toBeNull();
    expect(referenceVerdict(line).canonical).toBe(true);
  });

  it('rejects invalid UTF-8 inside strings', () => {
    const line = Buffer.concat([Buffer.from('{"event":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","leafIndex":1}')]);
    expect(scanCanonicalEventLine(line)).toBeNull();
    expectSameVerdict(line);
  });
});
