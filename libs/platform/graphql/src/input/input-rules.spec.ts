import fc from 'fast-check';
import { MAX_JSON_DEPTH, numberProblem, parseDateTime, parseJsonText, textProblem } from './input-rules';

describe('textProblem', () => {
  it('accepts text with tabs, line breaks and any script', () => {
    expect(textProblem('한빛은행 Hanbit Bank\tline\r\nnext 😀')).toBeUndefined();
  });
  it.each(['\u0000', 'a\u0000b', '\u0007', '\u001b[31m', '\u007f', '\u0085', 'lone \ud800', 'lone \udc00 low'])('refuses %j as INVALID_TEXT', (text) => {
    expect(textProblem(text)).toBe('INVALID_TEXT');
  });
  it('bounds the length', () => {
    expect(textProblem('x'.repeat(4_096))).toBeUndefined();
    expect(textProblem('x'.repeat(4_097))).toBe('TEXT_TOO_LONG');
    expect(textProblem('x'.repeat(10), 9)).toBe('TEXT_TOO_LONG');
  });
  it('never throws and refuses exactly the strings holding a control character or lone surrogate', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 50 }), (text) => {
        const hasControl = [...text].some((c) => {
          const code = c.codePointAt(0)!;
          return (code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') || (code >= 0x7f && code <= 0x9f) || (code >= 0xd800 && code <= 0xdfff);
        });
        expect(textProblem(text) === 'INVALID_TEXT').toBe(hasControl);
      }),
    );
  });
});

describe('parseDateTime', () => {
  it.each([
    ['2026-01-31T09:00:00Z', '2026-01-31T09:00:00.000Z'],
    ['2026-01-31T09:00:00.123456Z', '2026-01-31T09:00:00.123Z'],
    ['2026-01-31T09:00:00+09:00', '2026-01-31T00:00:00.000Z'],
    ['2026-01-31', '2026-01-31T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('parses %s', (text, iso) => {
    expect((parseDateTime(text) as Date).toISOString()).toBe(iso);
  });
  it.each([
    'not-a-date',
    '',
    '\u0000',
    '2026-13-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2025-02-29',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:60:00Z',
    'March 7, 2026',
    '1',
    '2026-01-01T00:00:00Z '.repeat(3),
  ])('refuses %j as INVALID_DATE', (text) => {
    expect(parseDateTime(text)).toBe('INVALID_DATE');
  });
  it.each(['0000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00.000Z', '+010000-01-01T00:00:00Z'])(
    'refuses %s as DATE_OUT_OF_RANGE',
    (text) => {
      expect(parseDateTime(text)).toBe('DATE_OUT_OF_RANGE');
    },
  );
  it('round-trips every instant of the accepted range and never throws', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (date) => {
        expect((parseDateTime(date.toISOString()) as Date).getTime()).toBe(date.getTime());
      }),
    );
    fc.assert(fc.property(fc.string(), (text) => void parseDateTime(text)));
  });
});

describe('numberProblem', () => {
  it('accepts safe numbers, refuses beyond ±2^53 − 1', () => {
    expect(numberProblem(0.5)).toBeUndefined();
    expect(numberProblem(-Number.MAX_SAFE_INTEGER)).toBeUndefined();
    expect(numberProblem(2 ** 53)).toBe('NUMBER_OUT_OF_RANGE');
    expect(numberProblem(1e308)).toBe('NUMBER_OUT_OF_RANGE');
    expect(numberProblem(Number.NaN)).toBe('NUMBER_OUT_OF_RANGE');
  });
});

describe('parseJsonText', () => {
  it('parses JSON', () => {
    expect(parseJsonText('{"a":[1,"x"]}')).toEqual({ ok: true, value: { a: [1, 'x'] } });
  });
  it.each([
    ['{"a":', 'INVALID_JSON'],
    ['"\\u0000"', 'INVALID_TEXT'],
    ['{"\\u0000":1}', 'INVALID_TEXT'],
    ['[["\\ud800"]]', 'INVALID_TEXT'],
    ['['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1), 'JSON_TOO_DEEP'],
    ['['.repeat(100_000), 'JSON_TOO_DEEP'],
  ])('refuses %j as %s', (text, problem) => {
    expect(parseJsonText(text)).toEqual({ ok: false, problem });
  });
  it('counts brackets outside strings only', () => {
    expect(parseJsonText(JSON.stringify({ a: '['.repeat(100) }))).toMatchObject({ ok: true });
  });
  it('never throws', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (text) => void parseJsonText(text)));
  });
});
