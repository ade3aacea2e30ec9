import { canOpen, homeFor, navigationFor } from '../src/navigation/navigation';

const paths = (roles: string[]) => navigationFor(roles).map((item) => item.path);

describe('navigation follows the role', () => {
  it('gives each demo role its pages only', () => {
    expect(paths(['platform-admin'])).toEqual([
      '/institutions',
      '/quota-pools',
      '/audit',
      '/isolation',
      '/usage',
      '/catalog',
      '/endpoints',
      '/settlement',
      '/data-policies',
      '/isolation-runs',
      '/use-cases',
      '/tree-heads',
      '/graphql',
    ]);
    expect(paths(['regulator'])).toEqual([
      '/institutions',
      '/quota-pools',
      '/audit',
      '/audit-export',
      '/isolation',
      '/usage',
      '/use-cases',
      '/use-case-review',
      '/tree-heads',
      '/graphql',
    ]);
    expect(paths(['tenant-admin'])).toEqual([
      '/audit',
      '/api-keys',
      '/my-quota',
      '/my-isolation',
      '/usage',
      '/endpoints',
      '/data-settings',
      '/use-cases',
      '/playground',
      '/graphql',
    ]);
    expect(paths(['tenant-member'])).toEqual(['/my-quota', '/my-isolation', '/usage', '/use-cases', '/playground', '/graphql']);
  });

  it('ignores roles it does not know and shows nothing for none', () => {
    expect(paths(['offline_access', 'uma_authorization', 'default-roles-ai-commons'])).toEqual([]);
    expect(paths([])).toEqual([]);
  });

  it('unions the pages of several roles without duplicates', () => {
    expect(paths(['tenant-member', 'tenant-admin'])).toEqual([
      '/audit',
      '/api-keys',
      '/my-quota',
      '/my-isolation',
      '/usage',
      '/endpoints',
      '/data-settings',
      '/use-cases',
      '/playground',
      '/graphql',
    ]);
  });

  it('opens sub-pages of a page the role has, and nothing else', () => {
    expect(canOpen('/audit/0b8e…', ['regulator'])).toBe(true);
    expect(canOpen('/api-keys', ['regulator'])).toBe(false);
    expect(canOpen('/audit', ['tenant-member'])).toBe(false);
    expect(canOpen('/auditx', ['regulator'])).toBe(false);
    expect(canOpen('/isolation-runs', ['regulator'])).toBe(false);
    expect(canOpen('/data-settings', ['platform-admin'])).toBe(false);
    expect(canOpen('/endpoints', ['tenant-member'])).toBe(false);
    expect(canOpen('/use-cases/0b8e…', ['tenant-member'])).toBe(true);
    expect(canOpen('/use-case-review', ['platform-admin'])).toBe(false);
    expect(canOpen('/playground', ['regulator'])).toBe(false);
  });

  it('lands supervisors on the audit explorer and others on their first page', () => {
    expect(homeFor(['regulator'])).toBe('/audit');
    expect(homeFor(['platform-admin'])).toBe('/institutions');
    expect(homeFor(['tenant-admin'])).toBe('/audit');
    expect(homeFor(['tenant-member'])).toBe('/my-quota');
  });
});
