import fc from 'fast-check';
import { CHECK_STATUSES } from '../src/checks/check';
import { reportStatusOf, tallyChecks } from '../src/report/check-tally';

const statuses = fc.array(
  fc.constantFrom(...CHECK_STATUSES).map((status) => ({ status })),
  { maxLength: 30 },
);

describe('check tally and run status', () => {
  it('counts every result exactly once, by its status', () => {
    fc.assert(
      fc.property(statuses, (results) => {
        const tally = tallyChecks(results);
        expect(tally.pass + tally.fail + tally.warning).toBe(results.length);
        for (const status of CHECK_STATUSES) expect(tally[status]).toBe(results.filter((result) => result.status === status).length);
      }),
    );
  });

  it('fails a run with any failed check, warns with any warning otherwise, and passes only when every check passed', () => {
    fc.assert(
      fc.property(statuses, (results) => {
        const status = reportStatusOf(tallyChecks(results));
        const has = (wanted: string) => results.some((result) => result.status === wanted);
        expect(status).toBe(has('fail') ? 'failed' : has('warning') ? 'warning' : 'passed');
      }),
    );
  });

  it('an empty run passes with zero counts', () => {
    expect(tallyChecks([])).toEqual({ pass: 0, fail: 0, warning: 0 });
    expect(reportStatusOf(tallyChecks([]))).toBe('passed');
  });
});
