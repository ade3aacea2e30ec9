import { interruptedSummary, RUN_FAILED_REASON, runErrorOf, runLockKey, runOwner } from '../src/verification/run-ownership';
import { toRun, type IsolationRunRow } from '../src/verification/verification-records';

describe("a run's ownership", () => {
  it('locks a run under ("irun", the first 32 bits of its id), as signed int4s', () => {
    expect(runLockKey('0000002a-0000-4000-8000-000000000000')).toEqual([0x6972756e, 42]);
    expect(runLockKey('FFFFFFFF-0000-4000-8000-000000000000')).toEqual([0x6972756e, -1]);
    expect(runLockKey('80000000-1234-4000-8000-000000000000')).toEqual([0x6972756e, -2147483648]);
  });

  it('gives different runs different keys, and the same run always the same key', () => {
    const a = 'c0ffee00-0000-4000-8000-000000000001';
    const b = 'c0ffee01-0000-4000-8000-000000000001';
    expect(runLockKey(a)).toEqual(runLockKey(a));
    expect(runLockKey(a)[1]).not.toBe(runLockKey(b)[1]);
  });

  it('refuses what is not a run id', () => {
    expect(() => runLockKey('not-a-uuid')).toThrow('not a run id');
  });

  it('names its owner host:pid', () => {
    expect(runOwner('cp-7f9c', 4242)).toBe('cp-7f9c:4242');
  });
});

describe('why a run ended in error', () => {
  it('states the interruption with the code and the owner', () => {
    const summary = interruptedSummary('cp-7f9c:4242');
    expect(summary.code).toBe('RUN_INTERRUPTED');
    expect(summary.error).toMatch(/^interrupted: .*cp-7f9c:4242/);
    expect(interruptedSummary(null).error).toContain('owner not recorded');
  });

  it("shows the platform's own reason (RUN_INTERRUPTED) for an 'error' run, a generic one for any other failure", () => {
    // Another failure's stored message is internal (addresses, SQL): the API gives the generic reason.
    expect(runErrorOf('error', { error: 'connect ECONNREFUSED 10.0.0.5:5432' })).toBe(RUN_FAILED_REASON);
    expect(runErrorOf('error', { error: 'forged', code: 'OTHER' })).toBe(RUN_FAILED_REASON);
    expect(runErrorOf('error', interruptedSummary('h:1'))).toBe(interruptedSummary('h:1').error);
    expect(runErrorOf('error', null)).toBe(RUN_FAILED_REASON);
    expect(runErrorOf('error', { error: '', code: 'RUN_INTERRUPTED' })).toBe(RUN_FAILED_REASON);
    expect(runErrorOf('passed', { pass: 16, fail: 0, warning: 0, durationMs: 5 })).toBeNull();
    expect(runErrorOf('running', null)).toBeNull();
  });

  it('is what the API shows of a stored run', () => {
    const row: IsolationRunRow = {
      id: '0000002a-0000-4000-8000-000000000000',
      trigger: 'schedule',
      requested_by: 'system',
      status: 'error',
      started_at: new Date(0),
      finished_at: new Date(1),
      summary: interruptedSummary('h:1'),
      report_sha256: null,
      signing_key_id: null,
    };
    expect(toRun(row)).toMatchObject({ status: 'error', summary: null, error: interruptedSummary('h:1').error });
    expect(toRun({ ...row, status: 'passed', summary: { pass: 1, fail: 0, warning: 0, durationMs: 3 } }).error).toBeNull();
  });
});
