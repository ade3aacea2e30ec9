import fc from 'fast-check';
import { ALERT_SUMMARY_MAX, alertsFor } from '../src/report/isolation-alerts';
import { checkResult, checkResultArbitrary } from './fixtures';

describe('alerts derived from check results', () => {
  it('raises one alert per failed check, in run order, with its concern and a bounded summary', () => {
    fc.assert(
      fc.property(fc.array(checkResultArbitrary, { maxLength: 20 }), (results) => {
        const failed = results.filter((result) => result.status === 'fail');
        const alerts = alertsFor(results);
        expect(alerts.map((alert) => [alert.checkId, alert.concern])).toEqual(failed.map((result) => [result.id, result.concern]));
        alerts.forEach((alert, index) => {
          expect(alert.summary.length).toBeLessThanOrEqual(ALERT_SUMMARY_MAX);
          expect(failed[index].summary.startsWith(alert.summary)).toBe(true);
        });
      }),
    );
  });

  it('passes and warnings raise none', () => {
    expect(alertsFor([checkResult(), checkResult({ status: 'warning', id: 'probe.gateway' })])).toEqual([]);
  });

  it('keeps a short summary whole and cuts a long one at the column limit', () => {
    const long = 'x'.repeat(ALERT_SUMMARY_MAX + 50);
    expect(
      alertsFor([checkResult({ status: 'fail', summary: 'two tables lack RLS' }), checkResult({ status: 'fail', id: 'probe.graphql', summary: long })]),
    ).toEqual([
      { checkId: 'rls.tenant-tables', concern: 'other-members', summary: 'two tables lack RLS' },
      { checkId: 'probe.graphql', concern: 'other-members', summary: long.slice(0, ALERT_SUMMARY_MAX) },
    ]);
  });
});
