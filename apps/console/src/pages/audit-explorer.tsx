// Supervisor's audit explorer: filters and the page cursor live in the URL (shareable); keyset
// pagination (the API's cursors), newest first.
import { useState, type FormEvent } from 'react';
import { request } from '../api/client';
import { AuditEventsDocument } from '../api/documents';
import { useInstitutionNames } from '../api/institution-names';
import { useQuery } from '../api/use-query';
import { QueryView } from '../components/status';
import { formatDateTime } from '../format/format';
import { useI18n } from '../i18n/i18n';
import { Link, useRouter } from '../navigation/router';
import type { AuditEventFilter, AuditOutcome } from '../gql/graphql';

export const AUDIT_PAGE_SIZE = 100;
const FILTER_FIELDS = ['action', 'outcome', 'institutionId', 'from', 'to'] as const;
const OUTCOMES: AuditOutcome[] = ['success', 'denied', 'failure'];

export function filterFromUrl(search: URLSearchParams): AuditEventFilter {
  const filter: AuditEventFilter = {};
  const action = search.get('action');
  if (action) filter.action = action;
  const outcome = search.get('outcome');
  if (outcome && (OUTCOMES as string[]).includes(outcome)) filter.outcome = outcome as AuditOutcome;
  const institutionId = search.get('institutionId');
  if (institutionId) filter.institutionId = institutionId;
  for (const bound of ['from', 'to'] as const) {
    const value = search.get(bound);
    if (value && !Number.isNaN(new Date(value).getTime())) filter[bound] = new Date(value).toISOString();
  }
  return filter;
}

export function AuditExplorer() {
  const { t, locale } = useI18n();
  const { location, navigate } = useRouter();
  const { nameOf: names, all: institutions } = useInstitutionNames();
  const after = location.search.get('after');
  const filter = filterFromUrl(location.search);
  const query = useQuery(() => request(AuditEventsDocument, { first: AUDIT_PAGE_SIZE, after, filter, newestFirst: true }), location.search.toString());
  const [draft, setDraft] = useState(() => Object.fromEntries(FILTER_FIELDS.map((f) => [f, location.search.get(f) ?? ''])));
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const field of FILTER_FIELDS) if (draft[field]) params.set(field, draft[field]!);
    navigate(`/audit${params.size ? `?${params}` : ''}`);
  };
  const withCursor = (cursor: string | null) => {
    const params = new URLSearchParams(location.search);
    if (cursor) params.set('after', cursor);
    else params.delete('after');
    return `/audit${params.size ? `?${params}` : ''}`;
  };
  const field = (name: (typeof FILTER_FIELDS)[number], label: string, type = 'text') => (
    <label>
      {label}
      <input type={type} name={name} value={draft[name]} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} />
    </label>
  );
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <form className="filters" onSubmit={apply} aria-label={t('audit.filters')}>
        {field('action', t('audit.action'))}
        <label>
          {t('audit.outcome')}
          <select name="outcome" value={draft.outcome} onChange={(e) => setDraft({ ...draft, outcome: e.target.value })}>
            <option value="">{t('common.all')}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {t(`audit.outcome.${o}`)}
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
        {field('from', t('audit.from'), 'datetime-local')}
        {field('to', t('audit.to'), 'datetime-local')}
        <button type="submit">{t('common.apply')}</button>
        <button
          type="button"
          onClick={() => {
            setDraft(Object.fromEntries(FILTER_FIELDS.map((f) => [f, ''])));
            navigate('/audit');
          }}
        >
          {t('common.reset')}
        </button>
      </form>
      <QueryView query={query}>
        {(data) => (
          <>
            <p role="status" data-testid="audit-count">
              {t('audit.count', { count: data.auditEvents.edges.length })}
            </p>
            <table data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">{t('audit.time')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.actor')}</th>
                  <th scope="col">{t('audit.institution')}</th>
                  <th scope="col">{t('audit.outcome')}</th>
                  <th scope="col">{t('audit.leafIndex')}</th>
                </tr>
              </thead>
              <tbody>
                {data.auditEvents.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td>
                      <Link to={`/audit/${node.id}`}>{formatDateTime(node.timestamp, locale)}</Link>
                    </td>
                    <td>{node.action}</td>
                    <td>{node.actor.username ?? node.actor.subject}</td>
                    <td>{names(node.institutionId)}</td>
                    <td className={`outcome-${node.outcome}`}>{t(`audit.outcome.${node.outcome}`)}</td>
                    <td>{node.leafIndex ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav className="pager" aria-label={t('audit.title')}>
              {after && <Link to={withCursor(null)}>{t('common.first')}</Link>}
              {data.auditEvents.pageInfo.hasNextPage && <Link to={withCursor(data.auditEvents.pageInfo.endCursor ?? null)}>{t('common.next')}</Link>}
            </nav>
          </>
        )}
      </QueryView>
    </section>
  );
}
