// A member institution's own isolation evidence: the latest signed report's checks that concern it
// (other institutions redacted by the API), downloadable as a JSON extract for its supervisor.
import { request } from '../api/client';
import { MyIsolationEvidenceDocument } from '../api/documents';
import { useQuery } from '../api/use-query';
import { QueryView } from '../components/status';
import { formatDateTime } from '../format/format';
import { useI18n } from '../i18n/i18n';

function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function MyIsolationPage() {
  const { t, locale } = useI18n();
  const query = useQuery(() => request(MyIsolationEvidenceDocument), 'my-isolation');
  return (
    <section aria-labelledby="my-isolation-title">
      <h1 id="my-isolation-title">{t('myIsolation.title')}</h1>
      <QueryView query={query}>
        {({ myIsolationEvidence: evidence }) =>
          !evidence ? (
            <p data-testid="my-isolation-none">{t('myIsolation.none')}</p>
          ) : (
            <>
              <p data-testid="my-isolation-run">
                {t('myIsolation.run', { runId: evidence.runId, finishedAt: formatDateTime(evidence.finishedAt, locale), status: evidence.status })}
              </p>
              <p>{t('myIsolation.signature', { sha: evidence.reportSha256, keyId: evidence.signingKeyId })}</p>
              <p>{t('myIsolation.note')}</p>
              <button type="button" onClick={() => download(`isolation-evidence-${evidence.institutionSlug}-${evidence.runId}.json`, evidence.documentJson)}>
                {t('myIsolation.download')}
              </button>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('myIsolation.check')}</th>
                    <th scope="col">{t('myIsolation.concern')}</th>
                    <th scope="col">{t('myIsolation.status')}</th>
                    <th scope="col">{t('myIsolation.summary')}</th>
                  </tr>
                </thead>
                <tbody>
                  {evidence.checks.map((check) => (
                    <tr key={check.id} data-testid={`my-isolation-check-${check.id}`}>
                      <td>
                        <code>{check.id}</code> {check.title}
                      </td>
                      <td>{check.concern}</td>
                      <td>{check.status}</td>
                      <td>{check.summary}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </QueryView>
    </section>
  );
}
