import fc from 'fast-check';
import { AuditProofError, canonicalBytes, canonicalJson } from '../src';

function doubleFromBits(bitsHex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${bitsHex}`));
  return view.getFloat64(0);
}

describe('canonicalJson: RFC 8785 published vectors', () => {
  // Appendix B: IEEE 754 bit patterns and their serialization.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the double with bits %s as %s', (bits, expected) => {
    expect(canonicalJson(doubleFromBits(bits))).toBe(expected);
  });

  it.each(['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000'])('rejects the non-finite double %s', (bits) => {
    expect(() => canonicalJson({ n: [1, doubleFromBits(bits)] })).toThrow(
      expect.objectContaining({ code: 'NON_CANONICALIZABLE_VALUE', message: expect.stringContaining('/n/1') }),
    );
  });

  // §3.2.2 input; §3.2.4 lists the UTF-8 bytes of its canonical form.
  it('produces the bytes of the worked example (§3.2.2–3.2.4)', () => {
    const input = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`);
    const expectedHex = `7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
      75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
      5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
      65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
      5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
      30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`;
    expect(canonicalBytes(input).toString('hex')).toBe(expectedHex.replace(/\s/g, ''));
  });

  // §3.2.3: property names sort by UTF-16 code units (the emoji's high surrogate sorts before U+FB33).
  it('sorts properties by UTF-16 code units (§3.2.3)', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  // Test data of the RFC authors' reference implementations (github.com/cyberphone/json-canonicalization).
  it.each([
    ['arrays', '[\n  56,\n  {\n    "d": true,\n    "10": null,\n    "1": [ ]\n  }\n]', '[56,{"1":[],"10":null,"d":true}]'],
    [
      'structures',
      '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n  "a": { },\n  "111": [ { } ],\n  "A": { }\n}',
      '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}',
    ],
    [
      'french',
      '{\n  "peach": "This sorting order",\n  "péché": "is wrong according to French",\n  "pêche": "but canonicalization MUST",\n  "sin":   "ingnore locale"\n}',
      '{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ingnore locale"}',
    ],
    ['unicode', '{\n  "Unnormalized Unicode":"\\u1e0d\\u0307"\n}', '{"Unnormalized Unicode":"\u1e0d\u0307"}'],
    [
      'weird',
      String.raw`{"\u20ac": "Euro Sign", "1": "One", "\u0080": "Control\u007f", "\ud83d\ude02": "Smiley", "\u00f6": "Latin Small Letter O With Diaeresis", "\ufb33": "Hebrew Letter Dalet With Dagesh", "</script>": "Browser Challenge"}`,
      '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    ],
    ['simpleString', '    "this is a test string 1235"', '"this is a test string 1235"'],
  ])('canonicalizes the %s sample', (_name, input, expected) => {
    expect(canonicalJson(JSON.parse(input))).toBe(expected);
  });

  it('produces the UTF-8 bytes of the simpleString sample', () => {
    const expected = '22 74 68 69 73 20 69 73 20 61 20 74 65 73 74 20 73 74 72 69 6E 67 20 31 32 33 35 22';
    expect(canonicalBytes('this is a test string 1235').toString('hex')).toBe(expected.replace(/ /g, '').toLowerCase());
  });
});

describe('canonicalJson: values without a canonical form', () => {
  it.each([
    ['undefined', { a: undefined }, '/a'],
    ['a function', { a: { b: () => 1 } }, '/a/b'],
    ['a symbol', [Symbol('s')], '/0'],
    ['a bigint', { n: 10n }, '/n'],
    ['NaN', [1, NaN], '/1'],
    ['a Date', { at: new Date(0) }, '/at'],
    ['a Map', new Map(), '/'],
    ['a lone surrogate', { 'x/y': '\ud800' }, '/x~1y'],
    ['a lone surrogate key', { '\udc00': 1 }, '/'],
    ['a sparse array', [1, , 3], '/1'],
  ])('rejects %s and names where it is', (_name, value, pointer) => {
    try {
      canonicalJson(value);
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(AuditProofError);
      expect((error as AuditProofError).code).toBe('NON_CANONICALIZABLE_VALUE');
      expect((error as AuditProofError).message).toContain(`cannot canonicalize ${pointer}`);
    }
  });

  it('rejects cycles instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = { again: cyclic };
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic reference/);
  });

  it('accepts the same object twice when it is not its own ancestor', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it('accepts null-prototype objects and keeps surrogate pairs', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: '😀', a: 1 });
    expect(canonicalJson(bare)).toBe('{"a":1,"b":"😀"}');
  });
});

describe('canonicalJson: properties', () => {
  const json = fc.jsonValue({ maxDepth: 4 });

  it('round-trips: parsing the canonical form and canonicalizing again is the identity', () => {
    fc.assert(
      fc.property(json, (value) => {
        const canonical = canonicalJson(value);
        expect(canonicalJson(JSON.parse(canonical))).toBe(canonical);
        // -0 is the only value whose canonical form parses back as a different number.
        expect(JSON.parse(canonical)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on property insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), json, { maxKeys: 8 }), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
      }),
      { numRuns: 200 },
    );
  });

  it('equals JSON.stringify of the value with recursively sorted keys', () => {
    const sortDeep = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(sortDeep)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(
              Object.keys(value)
                .sort()
                .map((k) => [k, sortDeep((value as Record<string, unknown>)[k])]),
            )
          : value;
    fc.assert(
      fc.property(json, (value) => {
        // Integer-like keys are the one place where JSON.stringify follows object order, not insertion.
        fc.pre(!/"\d+":/.test(JSON.stringify(value)));
        expect(canonicalJson(value)).toBe(JSON.stringify(sortDeep(value)));
      }),
      { numRuns: 200 },
    );
  });
});
