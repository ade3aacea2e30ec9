import type { IsolationCheck, RunContext } from '../src/checks/check';
import { pass } from '../src/checks/check';
import { runCheck } from '../src/checks/run-check';

const context = {} as RunContext;
const check = (run: IsolationCheck['run']): IsolationCheck => ({
  id: 'probe.no-scope',
  title: 'No scope, no rows',
  concern: 'operator-access',
  method: 'counts rows',
  run,
});

describe('running one check', () => {
  it("states the check's identity, outcome, start instant and duration", async () => {
    const before = Date.now();
    const result = await runCheck(
      check(async () => pass('all empty', { tables: 3 })),
      context,
    );
    expect(result).toEqual({
      id: 'probe.no-scope',
      title: 'No scope, no rows',
      concern: 'operator-access',
      method: 'counts rows',
      status: 'pass',
      summary: 'all empty',
      evidence: { tables: 3 },
      startedAt: expect.any(String),
      durationMs: expect.any(Number),
    });
    expect(Date.parse(result.startedAt)).toBeGreaterThanOrEqual(before - 1);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a check that throws fails, with the error as evidence, instead of ending the run', async () => {
    const result = await runCheck(
      check(async () => {
        throw new Error('connection refused');
      }),
      context,
    );
    expect(result).toMatchObject({
      id: 'probe.no-scope',
      status: 'fail',
      summary: 'The check could not complete: connection refused',
      evidence: { error: 'connection refused' },
    });
  });
});
