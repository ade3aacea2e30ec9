import { request } from '../api/client';
import { IsolationRunsDocument } from '../api/documents';
import { useQuery } from '../api/use-query';
import { QueryView } from '../components/status';
import { formatDateTime } from '../format/format';
import { useI18n } from '../i18n/i18n';

export function IsolationPage() {
  const { t, locale } = useI18n();
  const query = useQuery(() => request(IsolationRunsDocument), 'isolation');
  return (
    <section aria-labelledby="isolation-title">
      <h1 id="isolation-title">{t('isolation.title')}</h1>
      <QueryView query={query}>
        {(data) =>
          data.isolationRuns.length === 0 ? (
            <p>{t('common.empty')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('isolation.started')}</th>
                  <th scope="col">{t('isolation.status')}</th>
                  <th scope="col">{t('audit.details')}</th>
                  <th scope="col">{t('isolation.reportSha')}</th>
                </tr>
              </thead>
              <tbody>
                {data.isolationRuns.map((run) => (
                  <tr key={run.id}>
                    <td>{formatDateTime(run.startedAt, locale)}</td>
                    <td>{run.status}</td>
                    <td>{run.summary ? t('isolation.summary', { ...run.summary }) : '—'}</td>
                    <td><code>{run.reportSha256?.slice(0, 16) ?? '—'}</code></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </section>
  );
}
