import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The production realm template must carry nothing a demo realm has and a production one must not. */
const repoRoot = path.resolve(__dirname, '../../../..');
const readRealm = (relative: string) => JSON.parse(readFileSync(path.join(repoRoot, relative), 'utf8')) as Record<string, any>;

const template = readRealm('deploy/keycloak/production/ai-commons-realm.template.json');
const demo = readRealm('deploy/keycloak/realms/ai-commons-realm.json');

/** Every key anywhere in the document whose name says it holds a credential, with its path. */
function credentialKeys(value: unknown, at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => credentialKeys(item, `${at}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => [
    ...(/^(secret|password|credentials?|value|hashedSaltedValue|secretData|credentialData)$/i.test(key) ? [`${at}.${key}`] : []),
    ...credentialKeys(child, `${at}.${key}`),
  ]);
}

describe('deploy/keycloak/production/ai-commons-realm.template.json', () => {
  it('has no users, service-account users or credentials of any kind', () => {
    expect(template.users ?? []).toEqual([]);
    expect(template.federatedUsers ?? []).toEqual([]);
    expect(credentialKeys(template)).toEqual([]);
    expect(JSON.stringify(template)).not.toMatch(/demo-secret|demo-password|kcadmin/i);
  });

  it('turns brute-force detection on', () => {
    expect(template.bruteForceProtected).toBe(true);
    expect(template.failureFactor).toBeGreaterThan(0);
  });

  it('has no client that allows the password grant (directAccessGrants), nor implicit flow or service account clients with fixed secrets', () => {
    expect(template.clients.length).toBeGreaterThan(0);
    for (const client of template.clients) {
      expect({ clientId: client.clientId, directAccessGrantsEnabled: client.directAccessGrantsEnabled }).toEqual({
        clientId: client.clientId,
        directAccessGrantsEnabled: false,
      });
      expect(client.implicitFlowEnabled).not.toBe(true);
      expect(client.secret).toBeUndefined();
    }
  });

  it('keeps the contract the API relies on: realm ai-commons, its roles, the institutions group and the audience and groups mappers', () => {
    expect(template.realm).toBe('ai-commons');
    expect(template.roles.realm.map((role: { name: string }) => role.name).sort()).toEqual(demo.roles.realm.map((role: { name: string }) => role.name).sort());
    expect(template.groups.map((group: { name: string }) => group.name)).toEqual(['institutions']);
    expect(template.clients.map((client: { clientId: string }) => client.clientId)).toContain('ai-commons-api');
    const mappers = template.clients.flatMap(
      (client: { protocolMappers?: { protocolMapper: string; config: Record<string, string> }[] }) => client.protocolMappers ?? [],
    );
    expect(
      mappers.some(
        (mapper: { protocolMapper: string; config: Record<string, string> }) =>
          mapper.protocolMapper === 'oidc-audience-mapper' && mapper.config['included.client.audience'] === 'ai-commons-api',
      ),
    ).toBe(true);
    expect(
      mappers.some(
        (mapper: { protocolMapper: string; config: Record<string, string> }) =>
          mapper.protocolMapper === 'oidc-group-membership-mapper' && mapper.config['claim.name'] === 'groups',
      ),
    ).toBe(true);
  });

  it('is a separate file from the demo realm, which Keycloak dev mode imports and which has users and the password grant', () => {
    expect(demo.users.length).toBeGreaterThan(0);
    expect(demo.clients.some((client: { directAccessGrantsEnabled?: boolean }) => client.directAccessGrantsEnabled)).toBe(true);
  });
});

describe('the console client ai-commons-console (demo realm and production template)', () => {
  const consoleClient = (realm: Record<string, any>) => realm.clients.find((client: { clientId: string }) => client.clientId === 'ai-commons-console');

  it.each([
    ['demo realm', demo],
    ['production template', template],
  ])('%s: public, authorization code + PKCE S256 only, exact redirect URIs and web origins, audience and groups mappers', (_name, realm) => {
    const client = consoleClient(realm);
    expect(client).toMatchObject({
      publicClient: true,
      standardFlowEnabled: true,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
      serviceAccountsEnabled: false,
    });
    expect(client.attributes['pkce.code.challenge.method']).toBe('S256');
    const uris = [...client.redirectUris, ...client.attributes['post.logout.redirect.uris'].split('##'), ...client.webOrigins];
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) expect(uri).not.toMatch(/[*+]/);
    for (const uri of client.redirectUris) expect(uri).toMatch(/\/console\/$/);
    const mappers = client.protocolMappers.map((mapper: { protocolMapper: string; config: Record<string, string> }) => [
      mapper.protocolMapper,
      mapper.config['included.client.audience'] ?? mapper.config['claim.name'],
    ]);
    expect(mappers).toEqual(
      expect.arrayContaining([
        ['oidc-audience-mapper', 'ai-commons-api'],
        ['oidc-group-membership-mapper', 'groups'],
      ]),
    );
  });

  it('the demo realm registers the demo control plane origins exactly', () => {
    expect(consoleClient(demo).redirectUris).toEqual(['http://127.0.0.1:4000/console/', 'http://localhost:4000/console/']);
    expect(consoleClient(demo).webOrigins).toEqual(['http://127.0.0.1:4000', 'http://localhost:4000']);
  });
});
