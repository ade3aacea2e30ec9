// Platform admin: a quota pool's usage and cost settlement for a month — each institution's share by
// investment against its share by use (a chart beside the table), downloadable as CSV. The month and
// the pool live in the URL.
import { request } from '../../api/client';
import { useInstitutionNames } from '../../api/institution-names';
import { useQuery } from '../../api/use-query';
import { Chart } from '../../components/chart';
import { downloadText } from '../../components/download';
import { QueryView } from '../../components/status';
import { formatKrw, formatNumber, formatPercent } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { useRouter } from '../../navigation/router';
import { urlWith } from '../../navigation/url-params';
import { QuotaSettlementDocument, SettlementPoolsDocument } from './documents';
import { currentKstMonth, kstMonthBounds } from './month';
import { settlementCsv } from './settlement-csv';

/** Shares as percentages with one decimal (the chart's option is serialised, so no formatter functions). */
const percent = (share: number) => Math.round(share * 1000) / 10;

export function SettlementPage() {
  const { t, locale } = useI18n();
  const { location, navigate } = useRouter();
  const { nameOf, ready } = useInstitutionNames();
  const month = kstMonthBounds(location.search.get('month') ?? '') ? location.search.get('month')! : currentKstMonth(new Date());
  const pools = useQuery(() => request(SettlementPoolsDocument), 'settlement-pools');
  const poolId = location.search.get('poolId') ?? pools.data?.quotaPools[0]?.id ?? null;
  const settlement = useQuery(
    () => (poolId ? request(QuotaSettlementDocument, { poolId, ...kstMonthBounds(month)! }) : Promise.resolve(null)),
    `${poolId}:${month}`,
  );
  const set = (name: string, value: string) => navigate(urlWith(location.path, location.search, { [name]: value }));
  return (
    <section aria-labelledby="settlement-title">
      <h1 id="settlement-title">{t('settlement.title')}</h1>
      <QueryView query={pools}>
        {(data) => (
          <form className="filters" aria-label={t('common.filters')} onSubmit={(event) => event.preventDefault()}>
            <label>
              {t('settlement.month')}
              <input type="month" name="month" value={month} onChange={(e) => e.target.value && set('month', e.target.value)} />
            </label>
            <label>
              {t('settlement.pool')}
              <select name="poolId" value={poolId ?? ''} onChange={(e) => set('poolId', e.target.value)}>
                {data.quotaPools.map((pool) => (
                  <option key={pool.id} value={pool.id}>
                    {pool.name}
                  </option>
                ))}
              </select>
            </label>
          </form>
        )}
      </QueryView>
      {poolId && (
        <QueryView query={settlement}>
          {(data) => {
            if (!data || !ready) return <p role="status">{t('app.loading')}</p>;
            const s = data.quotaSettlement;
            const names = s.members.map((m) => nameOf(m.institutionId));
            return (
              <>
                <p data-testid="settlement-total">
                  {t('settlement.total', { pool: s.poolName, cost: formatKrw(s.costKrw, locale), tokens: formatNumber(s.totalTokens, locale) })}
                </p>
                <Chart
                  label={t('settlement.chart')}
                  testId="settlement-chart"
                  option={{
                    tooltip: { trigger: 'axis' },
                    legend: { data: [t('settlement.investmentShare'), t('settlement.useShare')] },
                    grid: { containLabel: true },
                    xAxis: { type: 'category', data: names },
                    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
                    series: [
                      { name: t('settlement.investmentShare'), type: 'bar', data: s.members.map((m) => percent(m.weight)) },
                      { name: t('settlement.useShare'), type: 'bar', data: s.members.map((m) => percent(m.useShare)) },
                    ],
                  }}
                />
                <button type="button" onClick={() => downloadText(`settlement-${s.poolName}-${month}.csv`, settlementCsv(s, nameOf), 'text/csv;charset=utf-8')}>
                  {t('settlement.downloadCsv')}
                </button>
                <table data-testid="settlement-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('audit.institution')}</th>
                      <th scope="col">{t('settlement.investmentShare')}</th>
                      <th scope="col">{t('settlement.useShare')}</th>
                      <th scope="col">{t('usage.tokens')}</th>
                      <th scope="col">{t('settlement.byInvestment')}</th>
                      <th scope="col">{t('settlement.byUse')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.members.map((m) => (
                      <tr key={m.institutionId}>
                        <td>{nameOf(m.institutionId)}</td>
                        <td className="number">{formatPercent(m.weight, locale)}</td>
                        <td className="number">{formatPercent(m.useShare, locale)}</td>
                        <td className="number">{formatNumber(m.tokens, locale)}</td>
                        <td className="number">{formatKrw(m.byInvestmentKrw, locale)}</td>
                        <td className="number">{formatKrw(m.byUseKrw, locale)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            );
          }}
        </QueryView>
      )}
    </section>
  );
}
