import fc from 'fast-check';
import { kstMonthOf, splitByKstDays, usageByDaySql } from '../../src/usage/usage-days';

const DAY = 86_400_000;
/** The instant a KST date (YYYY-MM-DD) starts. */
const kstStart = (date: string) => Date.parse(`${date}T00:00:00+09:00`);
const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) });
// Often on a KST midnight, as reports of whole days and months are.
const bound = fc.oneof(
  instant,
  instant.map((ms) => Math.floor((ms + 9 * 3_600_000) / DAY) * DAY - 9 * 3_600_000),
);

describe('splitByKstDays', () => {
  it('a month in KST is all whole days, no edge', () => {
    expect(splitByKstDays(new Date('2026-10-31T15:00:00Z'), new Date('2026-11-30T15:00:00Z'))).toEqual({
      wholeDays: { first: '2026-11-01', end: '2026-12-01' },
      edges: [],
    });
  });

  it('partial days at both ends are edges; less than a day is one edge', () => {
    const from = new Date('2026-11-01T03:00:00Z');
    const to = new Date('2026-11-04T20:00:00Z');
    expect(splitByKstDays(from, to)).toEqual({
      wholeDays: { first: '2026-11-02', end: '2026-11-05' },
      edges: [
        { from, to: new Date('2026-11-01T15:00:00Z') },
        { from: new Date('2026-11-04T15:00:00Z'), to },
      ],
    });
    const short = { from: new Date('2026-11-01T10:00:00Z'), to: new Date('2026-11-02T10:00:00Z') };
    expect(splitByKstDays(short.from, short.to)).toEqual({ edges: [short] });
  });

  it('tiles [from, to) exactly: edges and whole days cover it without overlap, whole days lie inside, edges are shorter than a day', () => {
    fc.assert(
      fc.property(bound, bound, (a, b) => {
        fc.pre(a !== b);
        const [from, to] = a < b ? [a, b] : [b, a];
        const { wholeDays, edges } = splitByKstDays(new Date(from), new Date(to));
        const pieces = edges.map((edge) => [edge.from.getTime(), edge.to.getTime()]);
        if (wholeDays) {
          const [first, end] = [kstStart(wholeDays.first), kstStart(wholeDays.end)];
          expect(first).toBeLessThan(end);
          expect(first).toBeGreaterThanOrEqual(from);
          expect(end).toBeLessThanOrEqual(to);
          pieces.push([first, end]);
        }
        pieces.sort((x, y) => x[0]! - y[0]!);
        expect(pieces[0]![0]).toBe(from);
        expect(pieces.at(-1)![1]).toBe(to);
        for (let i = 1; i < pieces.length; i++) expect(pieces[i]![0]).toBe(pieces[i - 1]![1]);
        for (const [start, end] of pieces) expect(start!).toBeLessThan(end!);
        for (const edge of edges) expect(edge.to.getTime() - edge.from.getTime()).toBeLessThan(wholeDays ? DAY : Infinity);
        expect(edges.length).toBeLessThanOrEqual(wholeDays ? 2 : 1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('kstMonthOf', () => {
  it('is the KST calendar month: 1 December 00:30 KST is still 30 November in UTC', () => {
    expect(kstMonthOf(new Date('2026-11-30T15:30:00Z'))).toEqual({ from: new Date('2026-11-30T15:00:00Z'), to: new Date('2026-12-31T15:00:00Z') });
    expect(kstMonthOf(new Date('2026-11-30T14:59:59.999Z'))).toEqual({ from: new Date('2026-10-31T15:00:00Z'), to: new Date('2026-11-30T15:00:00Z') });
  });

  it('holds its instant and is whole KST days', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const { from, to } = kstMonthOf(new Date(ms));
        expect(from.getTime()).toBeLessThanOrEqual(ms);
        expect(to.getTime()).toBeGreaterThan(ms);
        expect(splitByKstDays(from, to).edges).toEqual([]);
      }),
    );
  });
});

describe('usageByDaySql', () => {
  it('numbers its placeholders after the caller’s and reads records only for the edges', () => {
    const parameters: unknown[] = ['pool'];
    const sql = usageByDaySql(new Date('2026-10-31T15:00:00Z'), new Date('2026-11-30T16:00:00Z'), null, parameters);
    expect(parameters).toEqual(['pool', null, '2026-11-01', '2026-12-01', new Date('2026-11-30T15:00:00Z'), new Date('2026-11-30T16:00:00Z')]);
    expect(sql).toContain('from usage_daily where day >= $3::date and day < $4::date');
    expect(sql).toContain('from usage_records where occurred_at >= $5 and occurred_at < $6');
  });
});
