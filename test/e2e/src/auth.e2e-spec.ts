import { errorCodes, graphqlRequest, serviceToken, userToken } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { startControlPlane } from './support/environment';

const ME = '{ me { subject username roles authMethod clientId institution { slug } } }';

describe('authentication with real Keycloak tokens', () => {
  let controlPlane: ControlPlane;
  beforeAll(async () => {
    controlPlane = await startControlPlane();
  });
  afterAll(() => controlPlane.close());

  const me = (token?: string, headers?: Record<string, string>) => graphqlRequest(controlPlane.url, ME, { token, headers });

  it('accepts a user token and names the institution from its group', async () => {
    const response = await me(await userToken('hanbit-bank-admin'));
    expect(response.errors).toBeUndefined();
    expect(response.data?.me).toMatchObject({
      username: 'hanbit-bank-admin',
      roles: ['tenant-admin'],
      authMethod: 'keycloak-user',
      clientId: 'ai-commons-cli',
      institution: { slug: 'hanbit-bank' },
    });
  });

  it('accepts a service-account token, which names its institution too', async () => {
    const response = await me(await serviceToken('svc-nuri-insurance'));
    expect(response.errors).toBeUndefined();
    expect(response.data?.me).toMatchObject({
      authMethod: 'keycloak-service-account',
      clientId: 'svc-nuri-insurance',
      roles: ['tenant-member'],
      institution: { slug: 'nuri-insurance' },
    });
  });

  it('platform admins and regulators belong to no institution', async () => {
    for (const user of ['platform-admin', 'regulator']) {
      const response = await me(await userToken(user));
      expect(response.data?.me).toMatchObject({ username: user, roles: [user], institution: null });
    }
  });

  it('missing token → UNAUTHENTICATED', async () => {
    expect(errorCodes(await me())).toEqual([{ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' }]);
  });

  it('malformed header or token → UNAUTHENTICATED', async () => {
    expect(errorCodes(await me(undefined, { authorization: 'Basic abc' }))).toEqual([{ code: 'UNAUTHENTICATED', reason: 'TOKEN_MALFORMED' }]);
    expect(errorCodes(await me('not-a-jwt'))).toEqual([{ code: 'UNAUTHENTICATED', reason: 'TOKEN_MALFORMED' }]);
  });

  it('tampered token (payload changed, signature kept) → UNAUTHENTICATED', async () => {
    const [header, payload, signature] = (await userToken('gaon-securities-analyst')).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.realm_access.roles = ['platform-admin'];
    const forged = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    expect(errorCodes(await me(forged))).toEqual([{ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID_SIGNATURE' }]);
  });

  it('token from another issuer (realm) → UNAUTHENTICATED', async () => {
    const foreign = await userToken('foreign-user', { realm: 'ai-commons-foreign' });
    const codes = errorCodes(await me(foreign));
    expect(codes).toEqual([{ code: 'UNAUTHENTICATED', reason: 'TOKEN_WRONG_ISSUER' }]);
  });

  it('token for another audience → UNAUTHENTICATED', async () => {
    const token = await userToken('hanbit-bank-analyst', { client: 'ai-commons-noaud' });
    expect(errorCodes(await me(token))).toEqual([{ code: 'UNAUTHENTICATED', reason: 'TOKEN_WRONG_AUDIENCE' }]);
  });

  it('expired token → UNAUTHENTICATED', async () => {
    const token = await userToken('hanbit-bank-analyst', { client: 'ai-commons-short' });
    expect((await me(token)).errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(errorCodes(await me(token))).toEqual([{ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' }]);
  });

  it('a credential in two institutions → FORBIDDEN', async () => {
    const token = await userToken('two-institutions-user');
    expect(errorCodes(await me(token))).toEqual([{ code: 'FORBIDDEN', reason: 'MULTIPLE_INSTITUTIONS' }]);
  });

  it('a user without any ai-commons role may call me, but nothing role-protected', async () => {
    const token = await userToken('no-role-user');
    expect((await me(token)).data?.me).toMatchObject({ roles: [] });
    const create = await graphqlRequest(
      controlPlane.url,
      'mutation { suspendInstitution(id: "00000000-0000-0000-0000-000000000000", reason: "test") { id } }',
      { token },
    );
    expect(errorCodes(create)).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
  });

  it('health endpoints are public, readiness details only for a platform admin; the request id is echoed', async () => {
    const response = await fetch(`${controlPlane.url}/health/live`, { headers: { 'x-request-id': 'req-e2e-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-e2e-1');
    const ready = await fetch(`${controlPlane.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    for (const user of ['hanbit-bank-admin', 'regulator']) {
      const notAdmin = await fetch(`${controlPlane.url}/health/ready`, { headers: { authorization: `Bearer ${await userToken(user)}` } });
      expect(await notAdmin.json()).toEqual({ status: 'ready' });
    }
    const admin = await fetch(`${controlPlane.url}/health/ready`, { headers: { authorization: `Bearer ${await userToken('platform-admin')}` } });
    expect(await admin.json()).toMatchObject({ status: 'ready', checks: { database: { status: 'up' }, keycloak: { status: 'up' } } });
  });
});
