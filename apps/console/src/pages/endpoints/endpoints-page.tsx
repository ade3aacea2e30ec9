// Endpoints and their health: platform admins see every institution's (filter by institution);
// an institution admin sees its own only (the API scopes the list). Filters and cursor in the URL.
import { request } from '../../api/client';
import { useInstitutionNames } from '../../api/institution-names';
import { useQuery } from '../../api/use-query';
import { KeysetPager } from '../../components/keyset-pager';
import { QueryView } from '../../components/status';
import { formatDateTime } from '../../format/format';
import type { EndpointHealth, EndpointState } from '../../gql/graphql';
import { useI18n } from '../../i18n/i18n';
import { useRouter } from '../../navigation/router';
import { oneOf, urlWith } from '../../navigation/url-params';
import { EndpointsHealthDocument } from './documents';

const PAGE_SIZE = 50;
const HEALTHS: EndpointHealth[] = ['healthy', 'unhealthy', 'unknown'];
const STATES: EndpointState[] = ['provisioning', 'active', 'draining', 'retired'];

export function EndpointsPage({ allInstitutions }: { allInstitutions: boolean }) {
  const { t, locale } = useI18n();
  const { location, navigate } = useRouter();
  const { nameOf, all: institutions } = useInstitutionNames();
  const health = oneOf(location.search, 'health', HEALTHS);
  const state = oneOf(location.search, 'state', STATES);
  const institutionId = (allInstitutions && location.search.get('institutionId')) || undefined;
  const after = location.search.get('after');
  const query = useQuery(
    () => request(EndpointsHealthDocument, { first: PAGE_SIZE, after, institutionId, health, state }),
    `${allInstitutions}:${location.search.toString()}`,
  );
  const filter = (name: string, value: string) => navigate(urlWith(location.path, location.search, { [name]: value, after: null }));
  return (
    <section aria-labelledby="endpoints-title">
      <h1 id="endpoints-title">{t(allInstitutions ? 'endpoints.title' : 'endpoints.ownTitle')}</h1>
      <form className="filters" aria-label={t('common.filters')} onSubmit={(event) => event.preventDefault()}>
        {allInstitutions && (
          <label>
            {t('audit.institution')}
            <select name="institutionId" value={institutionId ?? ''} onChange={(e) => filter('institutionId', e.target.value)}>
              <option value="">{t('common.all')}</option>
              {institutions.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('endpoints.health')}
          <select name="health" value={health ?? ''} onChange={(e) => filter('health', e.target.value)}>
            <option value="">{t('common.all')}</option>
            {HEALTHS.map((h) => (
              <option key={h} value={h}>
                {t(`endpoints.health.${h}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('endpoints.state')}
          <select name="state" value={state ?? ''} onChange={(e) => filter('state', e.target.value)}>
            <option value="">{t('common.all')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {t(`endpoints.state.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <QueryView query={query}>
        {(data) => {
          const rows = data.endpoints.edges.map((edge) => edge.node);
          const count = (h: EndpointHealth) => rows.filter((r) => r.health === h).length;
          return (
            <>
              <p role="status" data-testid="endpoints-summary">
                {t('endpoints.summary', { healthy: count('healthy'), unhealthy: count('unhealthy'), unknown: count('unknown') })}
              </p>
              {rows.length === 0 ? (
                <p>{t('common.empty')}</p>
              ) : (
                <table data-testid="endpoints-table">
                  <thead>
                    <tr>
                      {allInstitutions && <th scope="col">{t('audit.institution')}</th>}
                      <th scope="col">{t('endpoints.name')}</th>
                      <th scope="col">{t('catalog.model')}</th>
                      <th scope="col">{t('endpoints.state')}</th>
                      <th scope="col">{t('endpoints.health')}</th>
                      <th scope="col">{t('endpoints.checkedAt')}</th>
                      <th scope="col">{t('endpoints.detail')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.id} data-testid={`endpoint-${r.name}`} data-institution={r.institutionId}>
                        {allInstitutions && <td>{nameOf(r.institutionId)}</td>}
                        <td>
                          <code>{r.name}</code>
                        </td>
                        <td>{r.offering.model.name}</td>
                        <td>{t(`endpoints.state.${r.state}`)}</td>
                        <td className={`health-${r.health}`} data-testid="endpoint-health">
                          {t(`endpoints.health.${r.health}`)}
                        </td>
                        <td>{formatDateTime(r.healthCheckedAt, locale)}</td>
                        <td>{r.healthDetail ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <KeysetPager label={t('endpoints.title')} pageInfo={data.endpoints.pageInfo} />
            </>
          );
        }}
      </QueryView>
    </section>
  );
}
