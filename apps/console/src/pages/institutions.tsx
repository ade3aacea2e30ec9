import { request } from '../api/client';
import { InstitutionsDocument } from '../api/documents';
import { useQuery } from '../api/use-query';
import { Chart } from '../components/chart';
import { QueryView } from '../components/status';
import { formatKrw, formatPercent, institutionName } from '../format/format';
import { useI18n } from '../i18n/i18n';

export function InstitutionsPage() {
  const { t, locale } = useI18n();
  const query = useQuery(() => request(InstitutionsDocument), 'institutions');
  return (
    <section aria-labelledby="institutions-title">
      <h1 id="institutions-title">{t('institutions.title')}</h1>
      <QueryView query={query}>
        {(data) => {
          const rows = data.institutions.edges.map((edge) => edge.node);
          return (
            <>
              <Chart
                label={t('institutions.chart')}
                testId="weights-chart"
                option={{
                  tooltip: { trigger: 'item' },
                  series: [{ type: 'pie', radius: ['40%', '70%'], data: rows.map((r) => ({ name: institutionName(r), value: r.investmentWeight })) }],
                }}
              />
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('institutions.name')}</th>
                    <th scope="col">{t('institutions.sector')}</th>
                    <th scope="col">{t('institutions.status')}</th>
                    <th scope="col">{t('institutions.capital')}</th>
                    <th scope="col">{t('institutions.weight')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id}>
                      <td>{institutionName(r)}</td>
                      <td>{t(`sector.${r.sector}`)}</td>
                      <td>{t(`institutions.status.${r.status}`)}</td>
                      <td className="number">{formatKrw(r.investedCapitalKrw, locale)}</td>
                      <td className="number">{formatPercent(r.investmentWeight, locale)}</td>
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
