import fc from 'fast-check';
import { CHECK_STATUSES, CONCERNS, type CheckResult } from '../src/checks/check';

/** Arbitrary check results as a run produces them (evidence is plain JSON). */
export const checkResultArbitrary: fc.Arbitrary<CheckResult> = fc.record({
  id: fc.stringMatching(/^[a-z]+\.[a-z-]+$/),
  title: fc.string({ maxLength: 40 }),
  concern: fc.constantFrom(...CONCERNS),
  method: fc.string({ maxLength: 40 }),
  status: fc.constantFrom(...CHECK_STATUSES),
  summary: fc.string({ maxLength: 1500 }),
  evidence: fc.dictionary(
    fc.string({ maxLength: 8 }).filter((key) => key !== '__proto__'),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  startedAt: fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }).map((date) => date.toISOString()),
  durationMs: fc.nat(100_000),
});

export const checkResult = (overrides: Partial<CheckResult> = {}): CheckResult => ({
  id: 'rls.tenant-tables',
  title: 'Every institution-owned table enforces row-level security',
  concern: 'other-members',
  method: 'reads pg_class',
  status: 'pass',
  summary: 'All 12 tables enforce RLS',
  evidence: { tables: 12 },
  startedAt: '2026-11-29T07:00:00.000Z',
  durationMs: 3,
  ...overrides,
});
