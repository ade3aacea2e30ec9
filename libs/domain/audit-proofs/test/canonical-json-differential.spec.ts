// Differential tests: the hand-written canonical JSON (hot path: every leaf hashed, every exported
// line scanned) against the `canonicalize` package, an independent RFC 8785 implementation.
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from '../src';
import { NOT_CANONICAL, scanCanonicalValue } from '../src/canonical/canonical-json-scanner';

// Numbers where ECMAScript formatting changes shape: exponent thresholds (1e21, 1e-7), -0, extremes.
const edgeNumber = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  1e21,
  1e20,
  999999999999999900000,
  1e-7,
  1.5e-7,
  0.000001,
  1e-6,
  5e-324,
  -5e-324,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER,
  2 ** 53,
  0.1 + 0.2,
  333333333.33333329,
  4.5,
  1e300,
  -1e-300,
);
const number = fc.oneof(edgeNumber, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
// Every UTF-16 code unit shape: ASCII (controls, quotes, backslashes), BMP, astral pairs, lone halves.
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', '\u2029', '\ud800', '\udc00', '😀', 'é', '\ufb33', '€', '/'),
    maxLength: 6,
  }),
);
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    number,
    text,
    fc.array(tie('json'), { maxLength: 5 }),
    fc.dictionary(text, tie('json'), { maxKeys: 5 }),
  ),
}));

const LONE_SURROGATE = /\p{Surrogate}/u;
const hasLoneSurrogate = (value: unknown): boolean =>
  LONE_SURROGATE.test(JSON.stringify(value).replace(/\\u[dD][89a-fA-F][0-9a-fA-F]{2}/g, (escape) => JSON.parse(`"${escape}"`)));

/** The scanner's verdict and canonicalize's on the same UTF-8 bytes (a lone surrogate in `candidate` is written as U+FFFD). */
function verdicts(candidate: string): { scanner: boolean; canonicalize: boolean } {
  const bytes = Buffer.from(candidate, 'utf8');
  return { scanner: scanCanonicalValue(bytes, 0, bytes.length) === bytes.length, canonicalize: isCanonicalText(bytes.toString('utf8')) };
}

/** What RFC 8785 + I-JSON say about a text: valid JSON, no lone surrogate, and already canonical. */
function isCanonicalText(candidate: string): boolean {
  try {
    const value: unknown = JSON.parse(candidate);
    return !hasLoneSurrogate(value) && canonicalize(value) === candidate;
  } catch {
    return false; // not JSON, or a number that overflows to Infinity (canonicalize refuses it)
  }
}

describe('canonicalJson against the canonicalize package (RFC 8785)', () => {
  it('writes the same text for every JSON value without lone surrogates, and refuses those with one', () => {
    fc.assert(
      fc.property(json, (value) => {
        if (hasLoneSurrogate(value)) expect(() => canonicalJson(value)).toThrow(expect.objectContaining({ code: 'NON_CANONICALIZABLE_VALUE' }));
        else expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes every edge number as canonicalize does', () => {
    fc.assert(fc.property(edgeNumber, (value) => expect(canonicalJson({ n: [value] })).toBe(canonicalize({ n: [value] }))));
  });
});

describe('scanCanonicalValue against the canonicalize package', () => {
  // The scanner must accept exactly the texts canonicalize would write: no false accept (a
  // non-canonical line hashed as if canonical), no false refusal.
  const candidates = json.chain((value) =>
    fc.constantFrom(
      ...[
        canonicalize(value),
        JSON.stringify(value),
        JSON.stringify(value, null, 1),
        JSON.stringify(value).replace(/[^\u0000-\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      ].filter((candidate): candidate is string => candidate !== undefined),
    ),
  );

  it('accepts a text if and only if it is valid, canonical, well-formed JSON', () => {
    fc.assert(
      fc.property(candidates, (candidate) => {
        const { scanner, canonicalize: expected } = verdicts(candidate);
        expect(scanner).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts or refuses one-character mutations of a canonical text exactly as canonicalize decides', () => {
    const alphabet = fc.constantFrom(...'{}[]",:-+.0123456789eEtfnul \\/u\u00e9\u2028'.split(''));
    const mutated = fc
      .tuple(json, fc.nat(), alphabet, fc.constantFrom('replace', 'insert', 'delete'))
      .filter(([value]) => !hasLoneSurrogate(value))
      .map(([value, at, character, edit]) => {
        const canonical = canonicalize(value)!;
        const index = at % (canonical.length + 1);
        const tail = canonical.slice(edit === 'insert' ? index : index + 1);
        return canonical.slice(0, index) + (edit === 'delete' ? '' : character) + tail;
      });
    fc.assert(
      fc.property(mutated, (candidate) => {
        const { scanner, canonicalize: expected } = verdicts(candidate);
        expect(scanner).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
  });

  it('never reads past the end it is given', () => {
    fc.assert(
      fc.property(json, fc.nat(), (value, cut) => {
        fc.pre(!hasLoneSurrogate(value));
        const bytes = Buffer.from(canonicalize(value)!, 'utf8');
        const end = cut % (bytes.length + 1);
        const scanned = scanCanonicalValue(bytes, 0, end);
        expect(scanned === NOT_CANONICAL || scanned <= end).toBe(true);
      }),
    );
  });
});
