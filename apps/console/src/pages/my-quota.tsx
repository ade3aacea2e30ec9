// An institution's own standing in each pool against its guarantee.
import { request } from '../api/client';
import { QuotaPoolsDocument } from '../api/documents';
import { useInstitutionNames } from '../api/institution-names';
import { useQuery } from '../api/use-query';
import { Chart } from '../components/chart';
import { QueryView } from '../components/status';
import { formatNumber } from '../format/format';
import { useI18n } from '../i18n/i18n';
import { poolChartOption } from './quota-chart';

export function MyQuotaPage() {
  const { t, locale } = useI18n();
  const { nameOf: names } = useInstitutionNames();
  const query = useQuery(() => request(QuotaPoolsDocument), 'my-quota');
  const labels = { guaranteed: t('quota.guaranteed'), borrowed: t('quota.borrowed'), used: t('quota.used') };
  return (
    <section aria-labelledby="my-quota-title">
      <h1 id="my-quota-title">{t('quota.myTitle')}</h1>
      <QueryView query={query}>
        {(data) =>
          data.quotaStandings.length === 0 ? (
            <p>{t('common.empty')}</p>
          ) : (
            <>
              <Chart
                label={t('quota.myTitle')}
                testId="my-quota-chart"
                option={poolChartOption(
                  data.quotaStandings.map((s) => ({
                    institution: s.poolName,
                    guaranteed: s.guaranteed.tokensPerMinute,
                    borrowed: s.borrowingNow.tokensPerMinute,
                    used: s.usedLastMinute.tokensPerMinute,
                  })),
                  labels,
                )}
              />
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('quota.title')}</th>
                    <th scope="col">{t('audit.institution')}</th>
                    <th scope="col">{t('quota.guaranteed')}</th>
                    <th scope="col">{t('quota.used')}</th>
                    <th scope="col">{t('quota.periodUsed')}</th>
                    <th scope="col">{t('quota.periodBudget')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.quotaStandings.map((s) => (
                    <tr key={`${s.poolId}-${s.institutionId}`}>
                      <td>{s.poolName}</td>
                      <td>{names(s.institutionId)}</td>
                      <td className="number">{formatNumber(s.guaranteed.tokensPerMinute, locale)}</td>
                      <td className="number">{formatNumber(s.usedLastMinute.tokensPerMinute, locale)}</td>
                      <td className="number">{formatNumber(s.periodUsedTokens, locale)}</td>
                      <td className="number">{formatNumber(s.periodTokenBudget, locale)}</td>
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
