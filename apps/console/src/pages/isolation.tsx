import { useState } from 'react';
import { request } from '../api/client';
import { IsolationReportJsonDocument, IsolationRunsDocument } from '../api/documents';
import { useQuery } from '../api/use-query';
import { QueryView } from '../components/status';
import { formatDateTime } from '../format/format';
import { useI18n } from '../i18n/i18n';
import { loadPinnedKeyText, parsePinnedKey, savePinnedKeyText } from '../verification/pinned-key';
import { verifyIsolationReport, type ReportVerification, type SignedIsolationReport } from '../verification/verify-report';

export function IsolationPage() {
  const { t, locale } = useI18n();
  const query = useQuery(() => request(IsolationRunsDocument), 'isolation');
  // The same pinned key as the audit explorer's: reports are signed with the audit signing key.
  const [keyText, setKeyText] = useState(loadPinnedKeyText);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, ReportVerification | 'running'>>({});

  const verify = async (id: string) => {
    setResults((current) => ({ ...current, [id]: 'running' }));
    try {
      const key = await parsePinnedKey(keyText);
      savePinnedKeyText(keyText);
      setKeyError(null);
      const signed = JSON.parse((await request(IsolationReportJsonDocument, { id })).isolationReportJson) as SignedIsolationReport;
      const result = await verifyIsolationReport(signed, key);
      setResults((current) => ({ ...current, [id]: result }));
    } catch (error) {
      setKeyError((error as Error).message);
      setResults((current) => Object.fromEntries(Object.entries(current).filter(([entry]) => entry !== id)));
    }
  };

  return (
    <section aria-labelledby="isolation-title">
      <h1 id="isolation-title">{t('isolation.title')}</h1>
      <section aria-labelledby="isolation-verify-title" className="verify">
        <h2 id="isolation-verify-title">{t('isolation.verifyTitle')}</h2>
        <p>{t('isolation.verifyIntro')}</p>
        <label>
          {t('verify.pinnedKey')}
          <textarea name="pinned-key" rows={4} value={keyText} onChange={(e) => setKeyText(e.target.value)} />
        </label>
        {!keyText.trim() && <p>{t('verify.noKey')}</p>}
        {keyError && (
          <p role="alert" className="error">
            {t('verify.badKey', { reason: keyError })}
          </p>
        )}
      </section>
      <QueryView query={query}>
        {(data) =>
          data.isolationRuns.edges.length === 0 ? (
            <p>{t('common.empty')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('isolation.started')}</th>
                  <th scope="col">{t('isolation.status')}</th>
                  <th scope="col">{t('audit.details')}</th>
                  <th scope="col">{t('isolation.reportSha')}</th>
                  <th scope="col">{t('isolation.verifyColumn')}</th>
                </tr>
              </thead>
              <tbody>
                {data.isolationRuns.edges.map(({ node: run }) => {
                  const result = results[run.id];
                  return (
                    <tr key={run.id}>
                      <td>{formatDateTime(run.startedAt, locale)}</td>
                      <td>{run.status}</td>
                      <td>
                        {run.summary ? t('isolation.summary', { ...run.summary }) : run.error ? t('isolationRuns.endedInError', { reason: run.error }) : '—'}
                      </td>
                      <td>
                        <code>{run.reportSha256?.slice(0, 16) ?? '—'}</code>
                      </td>
                      <td data-testid={`isolation-verify-${run.id}`} aria-live="polite">
                        {run.reportSha256 && (
                          <button
                            type="button"
                            onClick={() => void verify(run.id)}
                            disabled={!keyText.trim() || result === 'running'}
                            aria-label={t('isolation.verifyRun', { id: run.id })}
                          >
                            {t('verify.run')}
                          </button>
                        )}
                        {result && result !== 'running' && result.ok && (
                          <p className="verified">✔ {t('isolation.verified', { sha: result.sha256.slice(0, 16) })}</p>
                        )}
                        {result && result !== 'running' && !result.ok && (
                          <p className="failed" data-check={result.check}>
                            ✘ {t('isolation.failed', { check: t(`isolation.check.${result.check}`) })} — {result.detail}
                          </p>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </section>
  );
}
