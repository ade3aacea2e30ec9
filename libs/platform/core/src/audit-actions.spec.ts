import fc from 'fast-check';
import { AUDIT_ACTIONS, LEGACY_AUDIT_ACTIONS, followsAuditActionConvention } from './audit-actions';

describe('audit action names', () => {
  const names: string[] = Object.values(AUDIT_ACTIONS);

  it('follow `<resource>.<event>` in kebab-case, apart from the documented legacy names', () => {
    const offending = names.filter((name) => !followsAuditActionConvention(name) && !LEGACY_AUDIT_ACTIONS.includes(name as never));
    expect(offending).toEqual([]);
  });

  it('list as legacy only registered names that break the convention (the list cannot hide a conforming or unknown name)', () => {
    for (const legacy of LEGACY_AUDIT_ACTIONS) {
      expect(names).toContain(legacy);
      expect(followsAuditActionConvention(legacy)).toBe(false);
    }
  });

  it('are unique', () => {
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(['isolation.alert-acknowledged', 'endpoint.state-change', 'api-key.create', 'cross-tenant.access'])('accepts %s', (name) => {
    expect(followsAuditActionConvention(name)).toBe(true);
  });

  it.each([
    'quota_pool.create',
    'isolation.alert.acknowledge',
    'Model.register',
    'model',
    'model.',
    '.register',
    'model.re--tire',
    'model.retire-',
    'model.retire\n',
  ])('refuses %j', (name) => {
    expect(followsAuditActionConvention(name)).toBe(false);
  });

  it('refuses any name with a character outside [a-z0-9.-]', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (left, right) => {
        const name = `${left}.${right}`;
        fc.pre(/[^a-z0-9.-]/.test(name));
        expect(followsAuditActionConvention(name)).toBe(false);
      }),
    );
  });
});
