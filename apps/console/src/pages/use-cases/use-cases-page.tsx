// The AI use-case register: every role reads it (members their institution's); tenant admins declare
// new ones. Filters and the page cursor live in the URL; keyset pagination (the API's cursors).
import { useState, type FormEvent } from 'react';
import { request } from '../../api/client';
import { useInstitutionNames } from '../../api/institution-names';
import { useQuery } from '../../api/use-query';
import { QueryView } from '../../components/status';
import { formatDateTime } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { Link, useRouter } from '../../navigation/router';
import { UseCasesDocument } from './documents';
import { RISK_TIERS, USE_CASE_STATES, useCaseFilterFromUrl } from './use-case-list-filters';

const PAGE_SIZE = 50;
const FILTER_FIELDS = ['state', 'riskTier', 'institutionId'] as const;

export function UseCasesPage({ canDeclare }: { canDeclare: boolean }) {
  const { t, locale } = useI18n();
  const { location, navigate } = useRouter();
  const { nameOf, all: institutions } = useInstitutionNames();
  const after = location.search.get('after');
  const filter = useCaseFilterFromUrl(location.search);
  const query = useQuery(() => request(UseCasesDocument, { first: PAGE_SIZE, after, ...filter }), `use-cases:${location.search}`);
  const [draft, setDraft] = useState(() => Object.fromEntries(FILTER_FIELDS.map((f) => [f, location.search.get(f) ?? ''])));
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const field of FILTER_FIELDS) if (draft[field]) params.set(field, draft[field]!);
    navigate(`/use-cases${params.size ? `?${params}` : ''}`);
  };
  const withCursor = (cursor: string | null) => {
    const params = new URLSearchParams(location.search);
    if (cursor) params.set('after', cursor);
    else params.delete('after');
    return `/use-cases${params.size ? `?${params}` : ''}`;
  };
  return (
    <section aria-labelledby="use-cases-title">
      <h1 id="use-cases-title">{t('useCases.title')}</h1>
      <p>{t('useCases.intro')}</p>
      {canDeclare && (
        <p>
          <Link to="/use-cases/new" className="button-link">
            {t('useCases.new')}
          </Link>
        </p>
      )}
      <form className="filters" onSubmit={apply} aria-label={t('useCases.filters')}>
        <label>
          {t('useCases.state')}
          <select name="state" value={draft.state} onChange={(e) => setDraft({ ...draft, state: e.target.value })}>
            <option value="">{t('common.all')}</option>
            {USE_CASE_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`useCases.state.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('useCases.riskTier')}
          <select name="riskTier" value={draft.riskTier} onChange={(e) => setDraft({ ...draft, riskTier: e.target.value })}>
            <option value="">{t('common.all')}</option>
            {RISK_TIERS.map((r) => (
              <option key={r} value={r}>
                {t(`useCases.riskTier.${r}`)}
              </option>
            ))}
          </select>
        </label>
        {institutions.length > 1 && (
          <label>
            {t('audit.institution')}
            <select name="institutionId" value={draft.institutionId} onChange={(e) => setDraft({ ...draft, institutionId: e.target.value })}>
              <option value="">{t('common.all')}</option>
              {institutions.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit">{t('common.apply')}</button>
      </form>
      <QueryView query={query}>
        {(data) => (
          <>
            <table data-testid="use-cases-table">
              <thead>
                <tr>
                  <th scope="col">{t('useCases.name')}</th>
                  <th scope="col">{t('audit.institution')}</th>
                  <th scope="col">{t('useCases.state')}</th>
                  <th scope="col">{t('useCases.riskTier')}</th>
                  <th scope="col">{t('useCases.reference')}</th>
                  <th scope="col">{t('useCases.updatedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {data.useCases.edges.map(({ node }) => (
                  <tr key={node.id} data-testid={`use-case-${node.name}`}>
                    <td>
                      <Link to={`/use-cases/${node.id}`}>{node.name}</Link>
                    </td>
                    <td>{nameOf(node.institutionId)}</td>
                    <td>
                      {t(`useCases.state.${node.state}`)}
                      {node.revisionState && ` · ${t('useCases.revision', { state: t(`useCases.versionState.${node.revisionState}`) })}`}
                    </td>
                    <td>
                      {t(`useCases.riskTier.${node.riskTier}`)}
                      {node.highImpact && ` · ${t('useCases.highImpact')}`}
                    </td>
                    <td>{node.approval?.reference ?? '—'}</td>
                    <td>{formatDateTime(node.updatedAt, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.useCases.edges.length === 0 && <p>{t('useCases.none')}</p>}
            <nav className="pager" aria-label={t('useCases.title')}>
              {after && <Link to={withCursor(null)}>{t('common.first')}</Link>}
              {data.useCases.pageInfo.hasNextPage && <Link to={withCursor(data.useCases.pageInfo.endCursor ?? null)}>{t('common.next')}</Link>}
            </nav>
          </>
        )}
      </QueryView>
    </section>
  );
}
