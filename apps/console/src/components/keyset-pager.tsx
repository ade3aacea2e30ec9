import { useI18n } from '../i18n/i18n';
import { Link, useRouter } from '../navigation/router';
import { urlWith } from '../navigation/url-params';

/** First / next page links for a keyset-paginated table; the cursor lives in the URL (`after`, or `param`). */
export function KeysetPager({
  label,
  pageInfo,
  param = 'after',
}: {
  label: string;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  param?: string;
}) {
  const { t } = useI18n();
  const { location } = useRouter();
  const after = location.search.get(param);
  return (
    <nav className="pager" aria-label={label}>
      {after && <Link to={urlWith(location.path, location.search, { [param]: null })}>{t('common.first')}</Link>}
      {pageInfo.hasNextPage && pageInfo.endCursor && (
        <Link to={urlWith(location.path, location.search, { [param]: pageInfo.endCursor })}>{t('common.next')}</Link>
      )}
    </nav>
  );
}
