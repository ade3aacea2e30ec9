// One use case: its declaration, approval and history of decisions (everyone who may read it),
// with its usage, refusals and audit events beside the regulator's decision form, and the
// institution's own actions for its tenant admins.
import { request } from '../../api/client';
import { useInstitutionNames } from '../../api/institution-names';
import { useQuery } from '../../api/use-query';
import { QueryView } from '../../components/status';
import { formatDateTime, formatNumber } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../navigation/router';
import { DecisionForm, decisionsFor } from './decision-form';
import { UseCaseDocument } from './documents';
import { InstitutionActions } from './institution-actions';

export function UseCasePage({ id, roles }: { id: string; roles: readonly string[] }) {
  const { t, locale } = useI18n();
  const { nameOf } = useInstitutionNames();
  const query = useQuery(() => request(UseCaseDocument, { id }), `use-case:${id}`);
  return (
    <section aria-labelledby="use-case-title">
      <p>
        <Link to={roles.includes('regulator') ? '/use-case-review' : '/use-cases'}>{t('common.back')}</Link>
      </p>
      <QueryView query={query}>
        {({ useCase: u }) => {
          const decisions = roles.includes('regulator') ? decisionsFor(u.state, u.revisionState) : [];
          return (
            <>
              <h1 id="use-case-title">{u.name}</h1>
              <p data-testid="use-case-state">
                {t('useCases.state')}: <strong>{t(`useCases.state.${u.state}`)}</strong>
                {u.revisionState && ` · ${t('useCases.revision', { state: t(`useCases.versionState.${u.revisionState}`) })}`}
              </p>
              <div className="columns">
                <div>
                  <dl className="facts">
                    <dt>{t('audit.institution')}</dt>
                    <dd>{nameOf(u.institutionId)}</dd>
                    <dt>{t('useCases.field.purpose')}</dt>
                    <dd>{u.purpose}</dd>
                    <dt>{t('useCases.field.businessProcess')}</dt>
                    <dd>{u.businessProcess}</dd>
                    <dt>{t('useCases.field.dataClassificationCeiling')}</dt>
                    <dd>{t(`classification.${u.dataClassificationCeiling}`)}</dd>
                    <dt>{t('useCases.riskTier')}</dt>
                    <dd>
                      {t(`useCases.riskTier.${u.riskTier}`)}
                      {u.highImpact && ` · ${t('useCases.highImpact')}`}
                    </dd>
                    <dt>{t('useCases.field.humanOversight')}</dt>
                    <dd>{u.humanOversight}</dd>
                    <dt>{t('useCases.field.owner')}</dt>
                    <dd>
                      {u.owner} · {u.contact}
                    </dd>
                    <dt>{t('useCases.field.endpointIds')}</dt>
                    <dd>{u.endpointIds.length}</dd>
                    <dt>{t('useCases.versions')}</dt>
                    <dd>{t('useCases.versionsValue', { latest: u.latestVersion, serving: u.servingVersion ?? '—' })}</dd>
                  </dl>
                  {u.approval && (
                    <>
                      <h2>{t('useCases.approval')}</h2>
                      <dl className="facts" data-testid="use-case-approval">
                        <dt>{t('useCases.reference')}</dt>
                        <dd>{u.approval.reference}</dd>
                        <dt>{t('useCases.conditions')}</dt>
                        <dd>{u.approval.conditions || '—'}</dd>
                        <dt>{t('useCases.validity')}</dt>
                        <dd>
                          {formatDateTime(u.approval.validFrom, locale)} – {formatDateTime(u.approval.validUntil, locale)}
                        </dd>
                      </dl>
                    </>
                  )}
                </div>
                <div>
                  <h2>{t('useCases.usage', { days: u.usage.days })}</h2>
                  <dl className="facts" data-testid="use-case-usage">
                    <dt>{t('useCases.requests')}</dt>
                    <dd>{formatNumber(u.usage.requests, locale)}</dd>
                    <dt>{t('useCases.tokens')}</dt>
                    <dd>{formatNumber(u.usage.promptTokens + u.usage.completionTokens, locale)}</dd>
                    <dt>{t('useCases.lastUsed')}</dt>
                    <dd>{formatDateTime(u.usage.lastUsedAt, locale)}</dd>
                    <dt>{t('useCases.refusals')}</dt>
                    <dd>
                      {u.usage.refusalsByReason.length === 0 ? t('common.none') : u.usage.refusalsByReason.map((r) => `${r.reason} × ${r.count}`).join(', ')}
                    </dd>
                  </dl>
                  <h2>{t('useCases.auditEvents')}</h2>
                  {u.auditEvents.edges.length === 0 ? (
                    <p>{t('common.empty')}</p>
                  ) : (
                    <ul className="events">
                      {u.auditEvents.edges.map(({ node }) => (
                        <li key={node.id}>
                          {formatDateTime(node.occurredAt, locale)} · {node.action} · {t(`audit.outcome.${node.outcome as 'success' | 'denied' | 'failure'}`)}
                        </li>
                      ))}
                    </ul>
                  )}
                  {decisions.length > 0 && <DecisionForm key={`${u.state}:${u.revisionState}`} id={u.id} decisions={decisions} onDecided={query.reload} />}
                  {roles.includes('tenant-admin') && <InstitutionActions id={u.id} state={u.state} revisionState={u.revisionState} onChanged={query.reload} />}
                </div>
              </div>
              <h2 id="history-title">{t('useCases.history')}</h2>
              <table aria-labelledby="history-title" data-testid="use-case-history">
                <thead>
                  <tr>
                    <th scope="col">{t('audit.time')}</th>
                    <th scope="col">{t('useCases.historyAction')}</th>
                    <th scope="col">{t('useCases.historyStates')}</th>
                    <th scope="col">{t('audit.actor')}</th>
                    <th scope="col">{t('useCases.comment')}</th>
                  </tr>
                </thead>
                <tbody>
                  {u.history.edges.map(({ node }) => (
                    <tr key={node.id}>
                      <td>{formatDateTime(node.occurredAt, locale)}</td>
                      <td>
                        {node.action}
                        {node.version ? ` (v${node.version})` : ''}
                      </td>
                      <td>
                        {node.fromState ?? '—'} → {node.toState}
                      </td>
                      <td>
                        {node.actorSubject} ({node.actorRole})
                      </td>
                      <td>{node.comment ?? '—'}</td>
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
