// Which pages each role sees. The API refuses the rest anyway; this keeps people out of dead ends.
import type { MessageKey } from '../i18n/messages.ko';

export type Role = 'platform-admin' | 'regulator' | 'tenant-admin' | 'tenant-member';

export interface NavItem {
  readonly path: string;
  readonly label: MessageKey;
  readonly roles: readonly Role[];
}

export const NAV_ITEMS: readonly NavItem[] = [
  { path: '/institutions', label: 'nav.institutions', roles: ['platform-admin', 'regulator'] },
  { path: '/quota-pools', label: 'nav.quotaPools', roles: ['platform-admin', 'regulator'] },
  { path: '/audit', label: 'nav.audit', roles: ['regulator', 'platform-admin', 'tenant-admin'] },
  { path: '/audit-export', label: 'nav.auditExport', roles: ['regulator'] },
  { path: '/isolation', label: 'nav.isolation', roles: ['regulator', 'platform-admin'] },
  { path: '/api-keys', label: 'nav.apiKeys', roles: ['tenant-admin'] },
  { path: '/my-quota', label: 'nav.myQuota', roles: ['tenant-admin', 'tenant-member'] },
  { path: '/my-isolation', label: 'nav.myIsolation', roles: ['tenant-admin', 'tenant-member'] },
  { path: '/usage', label: 'nav.usage', roles: ['tenant-admin', 'tenant-member', 'platform-admin', 'regulator'] },
  // Platform and member-institution administration
  { path: '/catalog', label: 'nav.catalog', roles: ['platform-admin'] },
  { path: '/endpoints', label: 'nav.endpoints', roles: ['platform-admin', 'tenant-admin'] },
  { path: '/settlement', label: 'nav.settlement', roles: ['platform-admin'] },
  { path: '/data-policies', label: 'nav.dataPolicies', roles: ['platform-admin'] },
  { path: '/isolation-runs', label: 'nav.isolationRuns', roles: ['platform-admin'] },
  { path: '/data-settings', label: 'nav.dataSettings', roles: ['tenant-admin'] },
  { path: '/use-cases', label: 'nav.useCases', roles: ['tenant-admin', 'tenant-member', 'platform-admin', 'regulator'] },
  { path: '/use-case-review', label: 'nav.useCaseReview', roles: ['regulator'] },
  { path: '/tree-heads', label: 'nav.treeHeads', roles: ['regulator', 'platform-admin'] },
  { path: '/playground', label: 'nav.playground', roles: ['tenant-member', 'tenant-admin'] },
  { path: '/graphql', label: 'nav.graphql', roles: ['platform-admin', 'regulator', 'tenant-admin', 'tenant-member'] },
];

const KNOWN_ROLES = new Set<string>(['platform-admin', 'regulator', 'tenant-admin', 'tenant-member']);

export function knownRoles(roles: readonly string[]): Role[] {
  return roles.filter((role): role is Role => KNOWN_ROLES.has(role));
}

export function navigationFor(roles: readonly string[]): NavItem[] {
  const mine = new Set(knownRoles(roles));
  return NAV_ITEMS.filter((item) => item.roles.some((role) => mine.has(role)));
}

export function canOpen(path: string, roles: readonly string[]): boolean {
  return navigationFor(roles).some((item) => path === item.path || path.startsWith(`${item.path}/`));
}

/** Where a person lands after signing in: the first page of their navigation. */
export function homeFor(roles: readonly string[]): string {
  const items = navigationFor(roles);
  if (knownRoles(roles).includes('regulator')) return '/audit';
  return items[0]?.path ?? '/graphql';
}
