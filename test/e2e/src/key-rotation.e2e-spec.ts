import { decodeJwtPayload, errorCodes, graphqlRequest, KEYCLOAK_URL, userToken } from '@ai-commons/testing';
import { KeycloakTokenVerifier } from '@ai-commons/auth';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { startControlPlane } from './support/environment';
import { TcpProxy } from './support/tcp-proxy';
import { rotateRealmSigningKey } from './support/keycloak-admin';

function kidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid;
}

describe('Keycloak key rotation and outage', () => {
  const keycloak = new URL(KEYCLOAK_URL);
  const proxy = new TcpProxy(keycloak.hostname === 'localhost' ? '127.0.0.1' : keycloak.hostname, Number(keycloak.port || 80));
  let controlPlane: ControlPlane;

  beforeAll(async () => {
    await proxy.open();
    // The API fetches signing keys through the proxy, so the test can cut it off from Keycloak
    // while tokens are still issued by Keycloak directly.
    const verifier = new KeycloakTokenVerifier({
      url: KEYCLOAK_URL,
      realm: 'ai-commons',
      audience: 'ai-commons-api',
      minTimeBetweenJwksRequestsS: 0.001,
      keyFetchTimeoutMs: 2_000,
      jwksBaseUrl: `http://127.0.0.1:${proxy.port}`,
    });
    controlPlane = await startControlPlane({}, { verifier });
  });
  afterAll(async () => {
    await controlPlane.close();
    await proxy.close();
  });

  const me = (token: string) => graphqlRequest(controlPlane.url, '{ me { username } }', { token });

  it('keeps old tokens valid and accepts tokens signed with a rotated key', async () => {
    const before = await userToken('hanbit-bank-analyst');
    expect((await me(before)).data?.me).toEqual({ username: 'hanbit-bank-analyst' });

    await rotateRealmSigningKey();
    const after = await userToken('hanbit-bank-analyst');
    expect(kidOf(after)).not.toBe(kidOf(before));
    expect(decodeJwtPayload(after).preferred_username).toBe('hanbit-bank-analyst');
    expect((await me(after)).data?.me).toEqual({ username: 'hanbit-bank-analyst' });
    expect((await me(before)).data?.me).toEqual({ username: 'hanbit-bank-analyst' });
  });

  it('during an outage, cached keys keep working and an unknown key gives a clear error; it recovers', async () => {
    const cached = await userToken('nuri-insurance-analyst');
    expect((await me(cached)).errors).toBeUndefined();
    const admin = await userToken('platform-admin'); // readiness details are for platform admins

    await proxy.close();
    expect((await me(cached)).data?.me).toEqual({ username: 'nuri-insurance-analyst' });

    const ready = await fetch(`${controlPlane.url}/health/ready`, { headers: { authorization: `Bearer ${admin}` } });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not-ready', checks: { keycloak: { status: 'down' }, database: { status: 'up' } } });
    expect(await (await fetch(`${controlPlane.url}/health/ready`)).json()).toEqual({ status: 'not-ready' });

    await rotateRealmSigningKey();
    const unknownKey = await userToken('nuri-insurance-analyst');
    const failed = await me(unknownKey);
    expect(errorCodes(failed)).toEqual([{ code: 'UNAUTHENTICATED', reason: 'SIGNING_KEY_UNAVAILABLE' }]);
    expect(failed.errors?.[0].message).toMatch(/signing keys could not be fetched/);

    await proxy.open();
    expect((await me(unknownKey)).data?.me).toEqual({ username: 'nuri-insurance-analyst' });
    expect((await fetch(`${controlPlane.url}/health/ready`)).status).toBe(200);
  });
});
