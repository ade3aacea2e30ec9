import fc from 'fast-check';
import { decodeCursor, encodeCursor, NAME_CURSOR, NAME_ID_CURSOR, TIME_ID_CURSOR } from './pagination';

const uuid = '5f0c5b8e-8d53-4b53-9d3c-3b1f5a0c0d01';
const refused = (cursor: string, shape = TIME_ID_CURSOR) => {
  try {
    decodeCursor(cursor, shape);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('cursors', () => {
  it('round-trips the keys this server issues', () => {
    expect(decodeCursor(encodeCursor(['2026-01-01T00:00:00.123456Z', uuid]), TIME_ID_CURSOR)).toEqual(['2026-01-01T00:00:00.123456Z', uuid]);
    expect(decodeCursor(encodeCursor(['hanbit-bank']), NAME_CURSOR)).toEqual(['hanbit-bank']);
    expect(decodeCursor(encodeCursor(['llama 3.1 70b', uuid]), NAME_ID_CURSOR)).toEqual(['llama 3.1 70b', uuid]);
  });

  it.each([
    ['one part too few', encodeCursor(['2026-01-01T00:00:00Z'])],
    ['one part too many', encodeCursor(['2026-01-01T00:00:00Z', uuid, 1])],
    ['a non-date timestamp', encodeCursor(['not-a-date', uuid])],
    ['an out-of-range timestamp', encodeCursor(['-271821-04-20T00:00:00Z', uuid])],
    ['a malformed id', encodeCursor(['2026-01-01T00:00:00Z', 'not-a-uuid'])],
    ['null parts', encodeCursor([null, null])],
    ['deep nesting', Buffer.from('['.repeat(5_000) + ']'.repeat(5_000)).toString('base64url')],
  ])('refuses %s as INVALID_CURSOR', (_, cursor) => {
    expect(refused(cursor)).toBe('INVALID_CURSOR');
  });

  it('refuses text parts holding control characters', () => {
    expect(refused(encodeCursor(['nul\u0000']), NAME_CURSOR)).toBe('INVALID_CURSOR');
  });

  it('never throws anything but INVALID_CURSOR', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((value) => encodeCursor([value].flat())),
        ),
        (cursor) => {
          expect([undefined, 'INVALID_CURSOR']).toContain(refused(cursor));
          expect([undefined, 'INVALID_CURSOR']).toContain(refused(cursor, NAME_CURSOR));
        },
      ),
    );
  });
});
