import { principalFromClaims } from './principal-from-claims';
import { AuthError } from './auth-errors';

describe('principalFromClaims', () => {
  it('reads roles, institution group and client of a user token', () => {
    const principal = principalFromClaims({
      sub: 'u1',
      preferred_username: 'hanbit-bank-admin',
      azp: 'ai-commons-cli',
      groups: ['/institutions/hanbit-bank', '/other/group'],
      realm_access: { roles: ['tenant-admin', 'offline_access', 'default-roles-ai-commons'] },
    });
    expect(principal).toEqual({
      subject: 'u1',
      username: 'hanbit-bank-admin',
      roles: ['tenant-admin'],
      authMethod: 'keycloak-user',
      clientId: 'ai-commons-cli',
      institutionSlug: 'hanbit-bank',
    });
  });

  it('recognises service accounts', () => {
    const principal = principalFromClaims({
      sub: 's1',
      preferred_username: 'service-account-svc-hanbit-bank',
      azp: 'svc-hanbit-bank',
      groups: ['/institutions/hanbit-bank'],
      realm_access: { roles: ['tenant-member'] },
    });
    expect(principal.authMethod).toBe('keycloak-service-account');
    expect(principal.institutionSlug).toBe('hanbit-bank');
  });

  it('refuses a credential in two institutions', () => {
    expect(() => principalFromClaims({ sub: 'u', groups: ['/institutions/a-bank', '/institutions/b-bank'], realm_access: { roles: [] } })).toThrow(
      expect.objectContaining({ code: 'MULTIPLE_INSTITUTIONS', kind: 'forbidden' }) as AuthError,
    );
  });

  it('ignores malformed claims instead of trusting them', () => {
    const principal = principalFromClaims({ sub: 'u', groups: 'not-a-list', realm_access: { roles: 'platform-admin' } });
    expect(principal.roles).toEqual([]);
    expect(principal.institutionSlug).toBeUndefined();
  });

  it('requires a subject', () => {
    expect(() => principalFromClaims({ preferred_username: 'x' })).toThrow(AuthError);
  });
});
