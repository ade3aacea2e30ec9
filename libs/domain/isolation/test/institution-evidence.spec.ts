import fc from 'fast-check';
import { OTHER_INSTITUTION, checksConcerning, type InstitutionCheck, type ReportInstitution } from '../src/report/institution-evidence';

const A: ReportInstitution = { id: '11111111-1111-4111-8111-111111111111', slug: 'hanbit-bank' };
const B: ReportInstitution = { id: '22222222-2222-4222-8222-222222222222', slug: 'nuri-insurance' };
const C: ReportInstitution = { id: '33333333-3333-4333-8333-333333333333', slug: 'gaon-securities' };
const ALL = [A, B, C];

const check = (id: string, evidence: unknown, summary = 'ok'): InstitutionCheck => ({
  id,
  title: id,
  concern: 'other-members',
  status: 'pass',
  summary,
  evidence,
  durationMs: 1,
});

describe('checksConcerning (an institution’s own isolation evidence)', () => {
  it('keeps its checks and platform-wide ones, leaves out checks about other institutions only, redacts others', () => {
    const checks = [
      check(
        'probe.sql-canaries',
        {
          reads: [
            { from: A.slug, to: B.slug, rows: 0 },
            { from: B.slug, to: C.slug, rows: 0 },
            { from: C.id, to: A.id, rows: 0 },
          ],
        },
        `${B.slug} and ${A.slug} probed`,
      ),
      check('probe.pooled-connection', { samples: 12, carried: [] }),
      check('endpoints.dedicated', { endpoints: [{ institution: B.slug, url: 'http://b' }] }),
      check('by-slug', { perInstitution: { [A.slug]: 1, [B.slug]: 2 } }),
    ];
    const mine = checksConcerning(checks, A, ALL);
    expect(mine.map((entry) => entry.id)).toEqual(['probe.sql-canaries', 'probe.pooled-connection', 'by-slug']);
    expect(mine[0].evidence).toEqual({
      reads: [
        { from: A.slug, to: OTHER_INSTITUTION, rows: 0 },
        { from: OTHER_INSTITUTION, to: A.id, rows: 0 },
      ],
    });
    expect(mine[0].summary).toBe(`${OTHER_INSTITUTION} and ${A.slug} probed`);
    expect(mine[2].evidence).toEqual({ perInstitution: { [A.slug]: 1 } });
  });

  it('a slug that merely starts with another’s is not that institution', () => {
    const longer: ReportInstitution = { id: '44444444-4444-4444-8444-444444444444', slug: 'hanbit-bank-2' };
    const mine = checksConcerning([check('x', { names: ['hanbit-bank-2'] })], A, [A, longer]);
    expect(mine).toEqual([]);
    expect(checksConcerning([check('x', { names: ['hanbit-bank-2'] })], longer, [A, longer])[0].evidence).toEqual({ names: ['hanbit-bank-2'] });
  });

  it('never lets another institution’s id or slug through, whatever the evidence (property)', () => {
    const token = fc.constantFrom(A.id, A.slug, B.id, B.slug, C.id, C.slug, 'rows', 'table', 'x');
    const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        token,
        fc.integer(),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(token, tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(fc.array(fc.tuple(json, fc.array(token, { maxLength: 3 })), { maxLength: 5 }), (entries) => {
        const checks = entries.map(([evidence, words], index) => check(`c${index}`, evidence, words.join(' ')));
        const text = JSON.stringify(checksConcerning(checks, A, ALL));
        for (const other of [B, C]) {
          expect(text).not.toContain(other.id);
          expect(text).not.toContain(other.slug);
        }
      }),
    );
  });
});
