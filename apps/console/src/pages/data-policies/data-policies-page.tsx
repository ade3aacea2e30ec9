// Platform admin: the data-handling policy's versions, what changed between any two (chosen in the
// URL, so a comparison can be shared), and a draft of the next version to preview and publish.
import { request } from '../../api/client';
import { useQuery } from '../../api/use-query';
import { QueryView } from '../../components/status';
import { formatDateTime } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { useRouter } from '../../navigation/router';
import { urlWith } from '../../navigation/url-params';
import { DataPolicyVersionsDocument } from './documents';
import { PolicyDraft } from './policy-draft';
import { VersionDiff } from './version-diff';

export function DataPoliciesPage() {
  const { t, locale } = useI18n();
  const { location, navigate } = useRouter();
  const query = useQuery(() => request(DataPolicyVersionsDocument), 'data-policies');
  return (
    <section aria-labelledby="data-policies-title">
      <h1 id="data-policies-title">{t('dataPolicies.title')}</h1>
      <QueryView query={query}>
        {(data) => {
          const versions = data.dataPolicyVersions;
          const byVersion = (value: string | null) => versions.find((v) => String(v.version) === value);
          const to = byVersion(location.search.get('to')) ?? versions[0];
          const from = byVersion(location.search.get('from')) ?? versions.find((v) => to && v.version < to.version) ?? to;
          const pick = (name: 'from' | 'to', value: string) => navigate(urlWith(location.path, location.search, { [name]: value }));
          const versionSelect = (name: 'from' | 'to', label: string, selected: number | undefined) => (
            <label>
              {label}
              <select name={name} value={selected ?? ''} onChange={(e) => pick(name, e.target.value)}>
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </label>
          );
          return (
            <>
              <p data-testid="policy-in-force">
                {t('dataPolicies.inForce', { policy: data.dataPolicy.policyId, version: data.dataPolicy.version })}
                {!data.dataPolicy.published && ` ${t('dataPolicies.builtIn')}`}
              </p>
              <table data-testid="policy-versions">
                <thead>
                  <tr>
                    <th scope="col">{t('dataPolicies.version')}</th>
                    <th scope="col">{t('dataPolicies.publishedAt')}</th>
                    <th scope="col">{t('dataPolicies.publishedBy')}</th>
                    <th scope="col">{t('dataPolicies.note')}</th>
                  </tr>
                </thead>
                <tbody>
                  {versions.map((v) => (
                    <tr key={v.version} data-testid={`policy-version-${v.version}`}>
                      <td>
                        v{v.version}
                        {!v.published && ` ${t('dataPolicies.builtIn')}`}
                      </td>
                      <td>{formatDateTime(v.publishedAt, locale)}</td>
                      <td>{v.publishedBy}</td>
                      <td>{v.note ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {from && to && (
                <>
                  <form className="filters" aria-label={t('dataPolicies.compare')} onSubmit={(event) => event.preventDefault()}>
                    {versionSelect('from', t('dataPolicies.compareFrom'), from.version)}
                    {versionSelect('to', t('dataPolicies.compareTo'), to.version)}
                  </form>
                  <VersionDiff from={from} to={to} />
                </>
              )}
              <PolicyDraft
                key={data.dataPolicy.version}
                current={data.dataPolicy}
                onPublished={(version) => {
                  navigate(urlWith(location.path, location.search, { from: null, to: String(version) }));
                  query.reload();
                }}
              />
            </>
          );
        }}
      </QueryView>
    </section>
  );
}
