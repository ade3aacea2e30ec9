// Regulator: the use cases waiting for a decision, oldest first as the API orders them; each opens
// beside its usage, refusals and audit events with the decision form.
import { request } from '../../api/client';
import { useInstitutionNames } from '../../api/institution-names';
import { useQuery } from '../../api/use-query';
import { QueryView } from '../../components/status';
import { formatDateTime, formatNumber } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { Link, useRouter } from '../../navigation/router';
import { UseCaseReviewQueueDocument } from './documents';

const PAGE_SIZE = 50;

export function ReviewQueuePage() {
  const { t, locale } = useI18n();
  const { location } = useRouter();
  const { nameOf } = useInstitutionNames();
  const after = location.search.get('after');
  const query = useQuery(() => request(UseCaseReviewQueueDocument, { first: PAGE_SIZE, after }), `review-queue:${after}`);
  return (
    <section aria-labelledby="review-title">
      <h1 id="review-title">{t('useCases.queue')}</h1>
      <QueryView query={query}>
        {(data) => (
          <>
            <table data-testid="review-queue">
              <thead>
                <tr>
                  <th scope="col">{t('useCases.name')}</th>
                  <th scope="col">{t('audit.institution')}</th>
                  <th scope="col">{t('useCases.riskTier')}</th>
                  <th scope="col">{t('useCases.versions')}</th>
                  <th scope="col">{t('useCases.requests')}</th>
                  <th scope="col">{t('useCases.refusals')}</th>
                  <th scope="col">{t('useCases.updatedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {data.useCaseReviewQueue.edges.map(({ node }) => (
                  <tr key={node.id} data-testid={`queue-${node.name}`}>
                    <td>
                      <Link to={`/use-cases/${node.id}`}>{node.name}</Link>
                    </td>
                    <td>{nameOf(node.institutionId)}</td>
                    <td>
                      {t(`useCases.riskTier.${node.riskTier}`)}
                      {node.highImpact && ` · ${t('useCases.highImpact')}`}
                    </td>
                    <td>v{node.latestVersion}</td>
                    <td>{formatNumber(node.usage.requests, locale)}</td>
                    <td>
                      {formatNumber(
                        node.usage.refusalsByReason.reduce((n, r) => n + r.count, 0),
                        locale,
                      )}
                    </td>
                    <td>{formatDateTime(node.updatedAt, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.useCaseReviewQueue.edges.length === 0 && <p>{t('useCases.queueEmpty')}</p>}
            <nav className="pager" aria-label={t('useCases.queue')}>
              {after && <Link to="/use-case-review">{t('common.first')}</Link>}
              {data.useCaseReviewQueue.pageInfo.hasNextPage && (
                <Link to={`/use-case-review?after=${encodeURIComponent(data.useCaseReviewQueue.pageInfo.endCursor ?? '')}`}>{t('common.next')}</Link>
              )}
            </nav>
          </>
        )}
      </QueryView>
    </section>
  );
}
