// Platform admin: the model catalog's offerings (who operates them, where, how hosted) with their
// authority confirmations (required for commercial cloud) and how close each is to expiring.
import { request } from '../../api/client';
import { useQuery } from '../../api/use-query';
import { KeysetPager } from '../../components/keyset-pager';
import { QueryView } from '../../components/status';
import { formatDateTime, formatKrw, formatNumber } from '../../format/format';
import type { CatalogStatus, Hosting } from '../../gql/graphql';
import { useI18n } from '../../i18n/i18n';
import { useRouter } from '../../navigation/router';
import { oneOf, urlWith } from '../../navigation/url-params';
import { authorityStanding } from './authority-standing';
import { CatalogOfferingsDocument } from './documents';

const PAGE_SIZE = 50;
const STATUSES: CatalogStatus[] = ['available', 'retired'];
const HOSTINGS: Hosting[] = ['dedicated_on_premises', 'shared_infrastructure', 'cloud_commercial'];

export function CatalogPage() {
  const { t, locale } = useI18n();
  const { location, navigate } = useRouter();
  const status = oneOf(location.search, 'status', STATUSES);
  const hosting = oneOf(location.search, 'hosting', HOSTINGS);
  const after = location.search.get('after');
  const query = useQuery(() => request(CatalogOfferingsDocument, { first: PAGE_SIZE, after, status, hosting }), location.search.toString());
  const filter = (name: string, value: string) => navigate(urlWith(location.path, location.search, { [name]: value, after: null }));
  const now = new Date();
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">{t('catalog.title')}</h1>
      <form className="filters" aria-label={t('common.filters')} onSubmit={(event) => event.preventDefault()}>
        <label>
          {t('catalog.status')}
          <select name="status" value={status ?? ''} onChange={(e) => filter('status', e.target.value)}>
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`catalog.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('catalog.hosting')}
          <select name="hosting" value={hosting ?? ''} onChange={(e) => filter('hosting', e.target.value)}>
            <option value="">{t('common.all')}</option>
            {HOSTINGS.map((h) => (
              <option key={h} value={h}>
                {t(`catalog.hosting.${h}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <QueryView query={query}>
        {(data) => (
          <>
            <table data-testid="catalog-table">
              <thead>
                <tr>
                  <th scope="col">{t('catalog.model')}</th>
                  <th scope="col">{t('catalog.operator')}</th>
                  <th scope="col">{t('catalog.hosting')}</th>
                  <th scope="col">{t('catalog.region')}</th>
                  <th scope="col">{t('catalog.price')}</th>
                  <th scope="col">{t('catalog.status')}</th>
                  <th scope="col">{t('catalog.authority')}</th>
                  <th scope="col">{t('catalog.expiresAt')}</th>
                </tr>
              </thead>
              <tbody>
                {data.modelOfferings.edges.map(({ node }) => {
                  const { standing, daysLeft } = authorityStanding(node.authorityConfirmation?.expiresAt, now);
                  return (
                    <tr key={node.id} data-testid={`offering-${node.id}`}>
                      <td>
                        {node.model.name}
                        <br />
                        <small>
                          {node.model.provider} · {t('catalog.context', { tokens: formatNumber(node.model.contextWindow, locale) })}
                        </small>
                      </td>
                      <td>{node.operator}</td>
                      <td>{t(`catalog.hosting.${node.hosting}`)}</td>
                      <td>
                        {node.region} · {t(`catalog.zone.${node.networkZone}`)}
                      </td>
                      <td className="number">
                        {formatKrw(node.model.priceInputPer1kTokensKrw, locale)} / {formatKrw(node.model.priceOutputPer1kTokensKrw, locale)}
                      </td>
                      <td>{t(`catalog.status.${node.status}`)}</td>
                      <td>{node.authorityConfirmation ? <code>{node.authorityConfirmation.reference}</code> : t('common.none')}</td>
                      <td className={standing === 'expired' || standing === 'expiring' ? 'failed' : undefined} data-standing={standing}>
                        {node.authorityConfirmation
                          ? `${formatDateTime(node.authorityConfirmation.expiresAt, locale)} · ${t(`catalog.standing.${standing}`, { days: daysLeft ?? 0 })}`
                          : '—'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <KeysetPager label={t('catalog.title')} pageInfo={data.modelOfferings.pageInfo} />
          </>
        )}
      </QueryView>
    </section>
  );
}
