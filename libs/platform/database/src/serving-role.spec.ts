import fc from 'fast-check';
import { servingRoleProblems, type ServingRoleFacts } from './serving-role';

const appRole: ServingRoleFacts = {
  role: 'ai_commons_app',
  superuser: false,
  bypassrls: false,
  ownedRelations: 0,
  ownsSchema: false,
  ownsDatabase: false,
  privilegedMemberships: [],
};

describe('servingRoleProblems', () => {
  it('accepts the application role as bootstrapped (owns nothing, no privileged attribute or membership)', () => {
    expect(servingRoleProblems(appRole)).toEqual([]);
  });

  it('names every privilege that lets a service switch off RLS or the audit triggers', () => {
    expect(servingRoleProblems({ ...appRole, role: 'ai_commons_owner', ownedRelations: 23, ownsSchema: true })).toEqual([
      'owns 23 relations in schema public (an owner can ALTER them, disable RLS and triggers)',
      'owns schema public',
    ]);
    expect(servingRoleProblems({ ...appRole, role: 'postgres', superuser: true, bypassrls: true, ownsDatabase: true })).toEqual([
      'is a superuser',
      'has BYPASSRLS',
      'owns the database',
    ]);
    expect(servingRoleProblems({ ...appRole, privilegedMemberships: ['ai_commons_audit_owner'] })).toEqual(['is a member of ai_commons_audit_owner']);
  });

  it('refuses any role with at least one privilege, whatever the combination', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.nat(50),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.constantFrom('ai_commons_owner', 'ai_commons_audit_owner', 'postgres'), { maxLength: 3 }),
        (superuser, bypassrls, ownedRelations, ownsSchema, ownsDatabase, privilegedMemberships) => {
          const facts = { ...appRole, superuser, bypassrls, ownedRelations, ownsSchema, ownsDatabase, privilegedMemberships };
          const privileged = superuser || bypassrls || ownedRelations > 0 || ownsSchema || ownsDatabase || privilegedMemberships.length > 0;
          expect(servingRoleProblems(facts).length > 0).toBe(privileged);
        },
      ),
    );
  });
});
