import fc from 'fast-check';
import { GLOBAL_UNIQUE_ALLOWED } from '../src/checks/schema-checks';
import { appRoleProblems, ownerMembershipsOf, rlsViolations, uniqueKeyViolations, type UniqueKey } from '../src/checks/schema-rules';

const key = (table: string, columns: string[], randomUuid = columns.map(() => false)): UniqueKey => ({
  table,
  index: `${table}_${columns.join('_')}_key`,
  columns,
  randomUuid,
});

describe('schema check rules', () => {
  it('RLS holds only when enabled, forced and with a policy', () => {
    const tables = [
      { table: 'endpoints', enabled: true, forced: true, policies: 2 },
      { table: 'api_keys', enabled: true, forced: false, policies: 1 },
      { table: 'quota_pools', enabled: false, forced: true, policies: 1 },
      { table: 'usage_records', enabled: true, forced: true, policies: 0 },
    ];
    expect(rlsViolations(tables).map((t) => t.table)).toEqual(['api_keys', 'quota_pools', 'usage_records']);
  });

  it('a unique key with tenant_id never violates, whatever else it holds', () => {
    const columns = fc.array(fc.constantFrom('name', 'slug', 'id', 'secret_hash', 'model'), { maxLength: 4 });
    fc.assert(
      fc.property(columns, columns, (before, after) => {
        expect(uniqueKeyViolations([key('endpoints', [...before, 'tenant_id', ...after])], GLOBAL_UNIQUE_ALLOWED)).toEqual([]);
      }),
    );
  });

  it('without tenant_id, only random uuids and the listed random-secret hashes are allowed', () => {
    const keys = [
      key('endpoints', ['id'], [true]),
      key('api_keys', ['secret_hash']),
      key('endpoints', ['name']),
      key('model_cache', ['id', 'name'], [true, false]),
      key('endpoints', ['secret_hash']),
    ];
    expect(uniqueKeyViolations(keys, GLOBAL_UNIQUE_ALLOWED).map((k) => `${k.table}.${k.columns.join('+')}`)).toEqual([
      'endpoints.name',
      'model_cache.id+name',
      'endpoints.secret_hash',
    ]);
  });

  it('names every way the app role could bypass RLS, and none for a plain role', () => {
    const plain = { role: 'ai_commons_app', superuser: false, bypassrls: false, owned: 0, memberOf: ['pg_monitor'] };
    expect(appRoleProblems(plain)).toEqual([]);
    expect(appRoleProblems({ ...plain, superuser: true, bypassrls: true, owned: 3, memberOf: ['ai_commons_owner', 'pg_read_all_data', 'pg_monitor'] })).toEqual(
      ['superuser', 'BYPASSRLS', 'owns 3 relations', 'member of ai_commons_owner, pg_read_all_data'],
    );
    expect(ownerMembershipsOf(['postgres', 'pg_write_all_data', 'reporting', 'ai_commons_audit_owner'])).toEqual([
      'postgres',
      'pg_write_all_data',
      'ai_commons_audit_owner',
    ]);
  });
});
