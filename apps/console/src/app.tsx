// The shell: header (who, language, sign out), role-driven navigation, and the page for the URL.
// Pages are separate chunks, so the initial download stays small (the budget is checked at build).
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { request } from './api/client';
import { MeDocument } from './api/documents';
import { useQuery } from './api/use-query';
import { QueryView } from './components/status';
import { institutionName, type Locale } from './format/format';
import { LANGUAGE_NAMES } from './i18n/translate';
import { useI18n } from './i18n/i18n';
import { canOpen, homeFor, knownRoles, navigationFor } from './navigation/navigation';
import { Link, useRouter } from './navigation/router';
import { signOut } from './auth/auth';

const AuditExplorer = lazy(() => import('./pages/audit-explorer').then((m) => ({ default: m.AuditExplorer })));
const AuditEventPage = lazy(() => import('./pages/audit-event').then((m) => ({ default: m.AuditEventPage })));
const ConsortiumPage = lazy(() => import('./pages/consortium/consortium-page').then((m) => ({ default: m.ConsortiumPage })));
const QuotaPoolsPage = lazy(() => import('./pages/quota-pools').then((m) => ({ default: m.QuotaPoolsPage })));
const ApiKeysPage = lazy(() => import('./pages/api-keys').then((m) => ({ default: m.ApiKeysPage })));
const MyQuotaPage = lazy(() => import('./pages/my-quota').then((m) => ({ default: m.MyQuotaPage })));
const UsagePage = lazy(() => import('./pages/usage').then((m) => ({ default: m.UsagePage })));
const IsolationPage = lazy(() => import('./pages/isolation').then((m) => ({ default: m.IsolationPage })));
const MyIsolationPage = lazy(() => import('./pages/my-isolation').then((m) => ({ default: m.MyIsolationPage })));
const AuditExportPage = lazy(() => import('./pages/audit-export').then((m) => ({ default: m.AuditExportPage })));
const GraphiQLPage = lazy(() => import('./pages/graphiql'));
// Platform and member-institution administration
const CatalogPage = lazy(() => import('./pages/catalog/catalog-page').then((m) => ({ default: m.CatalogPage })));
const EndpointsPage = lazy(() => import('./pages/endpoints/endpoints-page').then((m) => ({ default: m.EndpointsPage })));
const SettlementPage = lazy(() => import('./pages/settlement/settlement-page').then((m) => ({ default: m.SettlementPage })));
const DataPoliciesPage = lazy(() => import('./pages/data-policies/data-policies-page').then((m) => ({ default: m.DataPoliciesPage })));
const IsolationRunsPage = lazy(() => import('./pages/isolation-runs/isolation-runs-page').then((m) => ({ default: m.IsolationRunsPage })));
const DataSettingsPage = lazy(() => import('./pages/data-settings/data-settings-page').then((m) => ({ default: m.DataSettingsPage })));
// Use-case register, tree heads, playground: one folder per page.
const UseCasesPage = lazy(() => import('./pages/use-cases/use-cases-page').then((m) => ({ default: m.UseCasesPage })));
const UseCasePage = lazy(() => import('./pages/use-cases/use-case-page').then((m) => ({ default: m.UseCasePage })));
const UseCaseFormPage = lazy(() => import('./pages/use-cases/use-case-form-page').then((m) => ({ default: m.UseCaseFormPage })));
const ReviewQueuePage = lazy(() => import('./pages/use-cases/review-queue-page').then((m) => ({ default: m.ReviewQueuePage })));
const TreeHeadsPage = lazy(() => import('./pages/tree-heads/tree-heads-page').then((m) => ({ default: m.TreeHeadsPage })));
const PlaygroundPage = lazy(() => import('./pages/playground/playground-page').then((m) => ({ default: m.PlaygroundPage })));

/** The use-case register's routes: /use-cases[/new | /<id>[/edit]]. */
function useCaseRoute(path: string, roles: string[]): ReactNode | undefined {
  const match = /^\/use-cases(?:\/([^/]+))?(\/edit)?$/.exec(path);
  if (!match) return undefined;
  const [, id, edit] = match;
  const admin = roles.includes('tenant-admin');
  if (!id) return <UseCasesPage canDeclare={admin} />;
  if (id === 'new' || edit) return admin ? <UseCaseFormPage id={id === 'new' ? undefined : decodeURIComponent(id)} /> : null;
  return <UseCasePage id={decodeURIComponent(id)} roles={roles} />;
}

function page(path: string, roles: string[]): ReactNode {
  const eventMatch = /^\/audit\/([^/]+)$/.exec(path);
  if (eventMatch) return <AuditEventPage id={decodeURIComponent(eventMatch[1]!)} />;
  const useCase = useCaseRoute(path, roles);
  if (useCase !== undefined) return useCase;
  switch (path) {
    case '/audit':
      return <AuditExplorer />;
    case '/institutions':
      return <ConsortiumPage editable={roles.includes('platform-admin')} />;
    case '/quota-pools':
      return <QuotaPoolsPage editable={roles.includes('platform-admin')} />;
    case '/api-keys':
      return <ApiKeysPage />;
    case '/my-quota':
      return <MyQuotaPage />;
    case '/usage':
      return <UsagePage />;
    case '/isolation':
      return <IsolationPage />;
    case '/my-isolation':
      return <MyIsolationPage />;
    case '/audit-export':
      return <AuditExportPage />;
    case '/catalog':
      return <CatalogPage />;
    case '/endpoints':
      return <EndpointsPage allInstitutions={roles.includes('platform-admin') || roles.includes('regulator')} />;
    case '/settlement':
      return <SettlementPage />;
    case '/data-policies':
      return <DataPoliciesPage />;
    case '/isolation-runs':
      return <IsolationRunsPage canAcknowledge={roles.includes('platform-admin')} />;
    case '/data-settings':
      return <DataSettingsPage />;
    case '/graphql':
      return <GraphiQLPage />;
    case '/use-case-review':
      return <ReviewQueuePage />;
    case '/tree-heads':
      return <TreeHeadsPage />;
    case '/playground':
      return <PlaygroundPage />;
    default:
      return null;
  }
}

export function App() {
  const { t, locale, setLocale } = useI18n();
  const { location, navigate } = useRouter();
  const me = useQuery(() => request(MeDocument), 'me');
  const roles = me.data?.me.roles ?? [];
  useEffect(() => {
    if (me.data && location.path === '/') navigate(homeFor(me.data.me.roles));
  }, [me.data, location.path]);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t('app.title');
  }, [locale, t]);
  const content = page(location.path, roles);
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="top">
        <span className="brand">{t('app.title')}</span>
        {me.data && (
          <span className="who" data-testid="who">
            {t('app.signedInAs', {
              user: me.data.me.institution ? `${me.data.me.username} · ${institutionName(me.data.me.institution)}` : me.data.me.username,
              roles: knownRoles(roles)
                .map((r) => t(`role.${r}`))
                .join(', '),
            })}
          </span>
        )}
        <label className="language">
          {t('app.language')}
          <select value={locale} onChange={(e) => setLocale(e.target.value === 'en' ? 'en' : 'ko')}>
            {(Object.keys(LANGUAGE_NAMES) as Locale[]).map((code) => (
              <option key={code} value={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void signOut()}>
          {t('app.signOut')}
        </button>
      </header>
      <div className="layout">
        <nav aria-label={t('nav.label')} className="side">
          <ul>
            {navigationFor(roles).map((item) => (
              <li key={item.path}>
                <Link to={item.path} aria-current={location.path.startsWith(item.path) ? 'page' : undefined}>
                  {t(item.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className={location.path === '/graphql' ? 'wide' : undefined}>
          <QueryView query={me}>
            {() =>
              location.path === '/' ? null : !content ? (
                <p>{t('app.notFound')}</p>
              ) : !canOpen(location.path, roles) ? (
                <p role="alert">{t('app.forbidden')}</p>
              ) : (
                <Suspense fallback={<p role="status">{t('app.loading')}</p>}>{content}</Suspense>
              )
            }
          </QueryView>
        </main>
      </div>
    </>
  );
}
