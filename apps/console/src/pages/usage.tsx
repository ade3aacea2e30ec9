// Usage this month by day and model (members: their own institution's).
import { request } from '../api/client';
import { UsageDocument } from '../api/documents';
import { useInstitutionNames } from '../api/institution-names';
import { useQuery } from '../api/use-query';
import { QueryView } from '../components/status';
import { formatNumber } from '../format/format';
import { useI18n } from '../i18n/i18n';
import { currentMonthKst } from './usage-month';

export function UsagePage() {
  const { t, locale } = useI18n();
  const { nameOf: names } = useInstitutionNames();
  const query = useQuery(() => request(UsageDocument, currentMonthKst(new Date())), 'usage');
  return (
    <section aria-labelledby="usage-title">
      <h1 id="usage-title">{t('usage.title')}</h1>
      <QueryView query={query}>
        {(data) => {
          const rows = data.quotaUsageReport;
          const requests = rows.reduce((n, r) => n + r.requests, 0);
          const tokens = rows.reduce((n, r) => n + r.totalTokens, 0);
          return (
            <>
              <p data-testid="usage-total">{t('usage.total', { requests: formatNumber(requests, locale), tokens: formatNumber(tokens, locale) })}</p>
              <table data-testid="usage-table">
                <thead>
                  <tr>
                    <th scope="col">{t('usage.day')}</th>
                    <th scope="col">{t('audit.institution')}</th>
                    <th scope="col">{t('usage.model')}</th>
                    <th scope="col">{t('usage.requests')}</th>
                    <th scope="col">{t('usage.tokens')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={`${r.day}-${r.institutionId}-${r.model}`}>
                      <td>{r.day}</td>
                      <td>{names(r.institutionId)}</td>
                      <td>{r.model}</td>
                      <td className="number">{formatNumber(r.requests, locale)}</td>
                      <td className="number">{formatNumber(r.totalTokens, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          );
        }}
      </QueryView>
    </section>
  );
}
