import { useI18n } from '../i18n/i18n';
import type { QueryState } from '../api/use-query';
import type { ReactNode } from 'react';

/** Loading and error states of a query, announced to screen readers; children once there is data. */
export function QueryView<T>({ query, children }: { query: QueryState<T>; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  if (query.error)
    return (
      <p role="alert" className="error">
        {t('app.error', { message: query.error.message })}
      </p>
    );
  if (!query.data) return <p role="status">{t('app.loading')}</p>;
  // The previous answer stays on screen while the next loads (a new filter or page): marked busy.
  return (
    <div aria-busy={query.loading} className="query-view">
      {children(query.data)}
    </div>
  );
}
