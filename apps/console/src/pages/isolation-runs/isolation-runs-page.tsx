// Platform admin: run the data-isolation verification now and watch it (the list is polled while a run
// is in progress), every run's signed report to download, and the alerts failed checks raised, to
// acknowledge. Signature verification in the browser is on the isolation reports page.
import { useEffect, useState } from 'react';
import { request } from '../../api/client';
import { IsolationReportJsonDocument } from '../../api/documents';
import { useQuery } from '../../api/use-query';
import { downloadText } from '../../components/download';
import { KeysetPager } from '../../components/keyset-pager';
import { QueryView } from '../../components/status';
import { formatDateTime, formatNumber } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { useRouter } from '../../navigation/router';
import { urlWith } from '../../navigation/url-params';
import { AcknowledgeIsolationAlertDocument, IsolationAlertsPageDocument, IsolationRunsPageDocument, StartIsolationRunDocument } from './documents';

const PAGE_SIZE = 20;
const RUN_STATUSES = ['running', 'passed', 'warning', 'failed', 'error'] as const;
/** The run's status in words (the API names it as a string; an unknown one is shown as it is). */
const statusKey = (status: string) => ((RUN_STATUSES as readonly string[]).includes(status) ? (status as (typeof RUN_STATUSES)[number]) : null);
const POLL_MS = 1_000;

export function IsolationRunsPage({ canAcknowledge }: { canAcknowledge: boolean }) {
  const { t, locale } = useI18n();
  const { location, navigate } = useRouter();
  const after = location.search.get('after');
  const openOnly = location.search.get('alerts') !== 'all';
  const runs = useQuery(() => request(IsolationRunsPageDocument, { first: PAGE_SIZE, after }), `runs:${after}`);
  const alertsAfter = location.search.get('alertsAfter');
  const alerts = useQuery(
    () => request(IsolationAlertsPageDocument, { open: openOnly ? true : undefined, after: alertsAfter }),
    `alerts:${openOnly}:${alertsAfter}`,
  );
  const [starting, setStarting] = useState<number | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const runStatus = (status: string) => {
    const key = statusKey(status);
    return key ? t(`isolationRuns.status.${key}`) : status;
  };
  const running = starting !== null || (runs.data?.isolationRuns.edges.some(({ node }) => node.status === 'running') ?? false);

  // Live progress: while a run is in progress (ours or a scheduled one), poll the list every second.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      runs.reload();
      setElapsed((seconds) => seconds + 1);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [running]);

  const start = async () => {
    setMessage(null);
    setElapsed(0);
    setStarting(Date.now());
    try {
      const { startIsolationVerification: run } = await request(StartIsolationRunDocument);
      setMessage({ ok: true, text: t('isolationRuns.finished', { id: run.id, status: runStatus(run.status) }) });
      if (after) navigate(urlWith(location.path, location.search, { after: null }));
    } catch (failure) {
      setMessage({ ok: false, text: (failure as Error).message });
    } finally {
      setStarting(null);
      runs.reload();
      alerts.reload();
    }
  };
  const download = async (id: string) => {
    const { isolationReportJson } = await request(IsolationReportJsonDocument, { id });
    downloadText(`isolation-report-${id}.json`, isolationReportJson, 'application/json');
  };
  const acknowledge = async (id: string) => {
    try {
      await request(AcknowledgeIsolationAlertDocument, { id });
      alerts.reload();
    } catch (failure) {
      setMessage({ ok: false, text: (failure as Error).message });
    }
  };

  return (
    <section aria-labelledby="isolation-runs-title">
      <h1 id="isolation-runs-title">{t('isolationRuns.title')}</h1>
      <div className="actions">
        <button type="button" onClick={() => void start()} disabled={running}>
          {t('isolationRuns.start')}
        </button>
      </div>
      <div aria-live="polite">
        {running && (
          <p role="status" data-testid="isolation-progress">
            <progress aria-label={t('isolationRuns.running')} /> {t('isolationRuns.runningFor', { seconds: elapsed })}
          </p>
        )}
        {message && (
          <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'} data-testid="isolation-run-message">
            {message.text}
          </p>
        )}
      </div>
      <h2>{t('isolationRuns.runs')}</h2>
      <QueryView query={runs}>
        {(data) => (
          <>
            <table data-testid="isolation-runs-table">
              <thead>
                <tr>
                  <th scope="col">{t('isolation.started')}</th>
                  <th scope="col">{t('isolationRuns.trigger')}</th>
                  <th scope="col">{t('isolationRuns.requestedBy')}</th>
                  <th scope="col">{t('isolation.status')}</th>
                  <th scope="col">{t('audit.details')}</th>
                  <th scope="col">{t('isolationRuns.report')}</th>
                </tr>
              </thead>
              <tbody>
                {data.isolationRuns.edges.map(({ node: run }) => (
                  <tr key={run.id} data-testid={`isolation-run-${run.id}`} data-status={run.status}>
                    <td>{formatDateTime(run.startedAt, locale)}</td>
                    <td>{run.trigger}</td>
                    <td>{run.requestedBy}</td>
                    <td className={run.status === 'passed' ? 'ok' : run.status === 'running' ? undefined : 'failed'}>{runStatus(run.status)}</td>
                    <td>
                      {run.summary
                        ? `${t('isolation.summary', { ...run.summary })} · ${t('isolationRuns.duration', { ms: formatNumber(run.summary.durationMs, locale) })}`
                        : run.error
                          ? t('isolationRuns.endedInError', { reason: run.error })
                          : '—'}
                    </td>
                    <td>
                      {run.reportSha256 && (
                        <button type="button" onClick={() => void download(run.id)} aria-label={`${t('isolationRuns.download')}: ${run.id}`}>
                          {t('isolationRuns.download')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <KeysetPager label={t('isolationRuns.runs')} pageInfo={data.isolationRuns.pageInfo} />
          </>
        )}
      </QueryView>
      <h2 id="isolation-alerts-title">{t('isolationRuns.alerts')}</h2>
      <form className="filters" aria-labelledby="isolation-alerts-title" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t('isolationRuns.alertsShown')}
          <select
            name="alerts"
            value={openOnly ? 'open' : 'all'}
            onChange={(e) => navigate(urlWith(location.path, location.search, { alerts: e.target.value === 'all' ? 'all' : null, alertsAfter: null }))}
          >
            <option value="open">{t('isolationRuns.alertsOpen')}</option>
            <option value="all">{t('common.all')}</option>
          </select>
        </label>
      </form>
      <QueryView query={alerts}>
        {(data) =>
          data.isolationAlerts.edges.length === 0 ? (
            <p data-testid="isolation-alerts-empty">{t('isolationRuns.noAlerts')}</p>
          ) : (
            <>
              <table data-testid="isolation-alerts-table">
                <thead>
                  <tr>
                    <th scope="col">{t('isolationRuns.raisedAt')}</th>
                    <th scope="col">{t('isolationRuns.concern')}</th>
                    <th scope="col">{t('isolationRuns.check')}</th>
                    <th scope="col">{t('audit.details')}</th>
                    <th scope="col">{t('isolationRuns.acknowledged')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.isolationAlerts.edges.map(({ node: alert }) => (
                    <tr key={alert.id}>
                      <td>{formatDateTime(alert.raisedAt, locale)}</td>
                      <td>{alert.concern}</td>
                      <td>
                        <code>{alert.checkId}</code>
                      </td>
                      <td>{alert.summary}</td>
                      <td>
                        {alert.acknowledgedAt
                          ? formatDateTime(alert.acknowledgedAt, locale)
                          : canAcknowledge && (
                              <button
                                type="button"
                                onClick={() => void acknowledge(alert.id)}
                                aria-label={`${t('isolationRuns.acknowledge')}: ${alert.checkId}`}
                              >
                                {t('isolationRuns.acknowledge')}
                              </button>
                            )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <KeysetPager label={t('isolationRuns.alerts')} pageInfo={data.isolationAlerts.pageInfo} param="alertsAfter" />
            </>
          )
        }
      </QueryView>
    </section>
  );
}
