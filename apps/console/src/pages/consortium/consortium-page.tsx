// Consortium overview: every member institution, its status and investment weight (a chart beside the
// table). Platform admins also create, suspend, reactivate and offboard — each behind a confirmation
// dialog asking for the reason the audit log records. Filters and the page cursor live in the URL.
import { useState } from 'react';
import { request } from '../../api/client';
import { useQuery } from '../../api/use-query';
import { Chart } from '../../components/chart';
import { ConfirmDialog, type ConfirmRequest } from '../../components/confirm-dialog';
import { KeysetPager } from '../../components/keyset-pager';
import { QueryView } from '../../components/status';
import { formatKrw, formatPercent, institutionName } from '../../format/format';
import type { InstitutionStatus } from '../../gql/graphql';
import { useI18n } from '../../i18n/i18n';
import { useRouter } from '../../navigation/router';
import { oneOf, urlWith } from '../../navigation/url-params';
import { CreateInstitutionForm } from './create-institution-form';
import { ConsortiumDocument, OffboardInstitutionDocument, ReactivateInstitutionDocument, SuspendInstitutionDocument } from './documents';
import { lifecycleActions, type LifecycleAction } from './lifecycle';

const PAGE_SIZE = 50;
const STATUSES: InstitutionStatus[] = ['active', 'suspended', 'offboarded'];

export function ConsortiumPage({ editable }: { editable: boolean }) {
  const { t, locale } = useI18n();
  const { location, navigate } = useRouter();
  const status = oneOf(location.search, 'status', STATUSES);
  const after = location.search.get('after');
  const query = useQuery(() => request(ConsortiumDocument, { first: PAGE_SIZE, after, status }), location.search.toString());
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const ask = (action: LifecycleAction, institution: { id: string; nameKo: string; nameEn: string }) =>
    setConfirm({
      title: t(`consortium.${action}.title`),
      message: t(`consortium.${action}.message`, { name: institutionName(institution) }),
      confirmLabel: t(`consortium.${action}`),
      askReason: true,
      run: async (reason) => {
        const variables = { id: institution.id, reason };
        if (action === 'suspend') await request(SuspendInstitutionDocument, variables);
        else if (action === 'reactivate') await request(ReactivateInstitutionDocument, variables);
        else await request(OffboardInstitutionDocument, variables);
        query.reload();
      },
    });
  return (
    <section aria-labelledby="institutions-title">
      <h1 id="institutions-title">{t('institutions.title')}</h1>
      {editable && <CreateInstitutionForm onCreated={query.reload} />}
      <form className="filters" aria-label={t('common.filters')} onSubmit={(event) => event.preventDefault()}>
        <label>
          {t('institutions.status')}
          <select
            name="status"
            value={status ?? ''}
            onChange={(e) => navigate(urlWith(location.path, location.search, { status: e.target.value, after: null }))}
          >
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`institutions.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
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
                  series: [
                    {
                      type: 'pie',
                      radius: ['40%', '70%'],
                      data: rows.filter((r) => r.status === 'active').map((r) => ({ name: institutionName(r), value: r.investmentWeight })),
                    },
                  ],
                }}
              />
              <table data-testid="institutions-table">
                <thead>
                  <tr>
                    <th scope="col">{t('institutions.name')}</th>
                    <th scope="col">{t('institutions.sector')}</th>
                    <th scope="col">{t('institutions.status')}</th>
                    <th scope="col">{t('institutions.capital')}</th>
                    <th scope="col">{t('institutions.weight')}</th>
                    {editable && <th scope="col">{t('consortium.actions')}</th>}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id} data-testid={`institution-${r.slug}`}>
                      <td>{institutionName(r)}</td>
                      <td>{t(`sector.${r.sector}`)}</td>
                      <td data-testid="institution-status">{t(`institutions.status.${r.status}`)}</td>
                      <td className="number">{formatKrw(r.investedCapitalKrw, locale)}</td>
                      <td className="number">{formatPercent(r.investmentWeight, locale)}</td>
                      {editable && (
                        <td className="actions">
                          {lifecycleActions(r.status).map((action) => (
                            <button
                              key={action}
                              type="button"
                              className={action === 'offboard' ? 'danger' : undefined}
                              aria-label={`${t(`consortium.${action}`)}: ${institutionName(r)}`}
                              onClick={() => ask(action, r)}
                            >
                              {t(`consortium.${action}`)}
                            </button>
                          ))}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
              <KeysetPager label={t('institutions.title')} pageInfo={data.institutions.pageInfo} />
            </>
          );
        }}
      </QueryView>
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
