import { createHash } from 'node:crypto';
import { errorCodes } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { API_KEY_PATTERN, hashApiKey } from '@ai-commons/catalog';
import { capturedLogLines } from './support/environment';
import { CatalogClient, auditCount, institutionIds, startCatalogControlPlane, superuserQuery, unique, type Caller } from './catalog-fixtures';

const KEY_FIELDS = 'id institutionId name keyPrefix endpointIds defaultClassification expiresAt revokedAt createdBy createdAt status';
const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { ${KEY_FIELDS} } } }`;
const LIST = `query($institutionId: ID, $status: ApiKeyStatus) { apiKeys(first: 100, institutionId: $institutionId, status: $status) { edges { node { ${KEY_FIELDS} } } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) { ${KEY_FIELDS} } }`;
const ENDPOINTS = `query($name: String) { endpoints(first: 100, name: $name) { edges { node { id name institutionSlug } } } }`;

describe('API keys over GraphQL', () => {
  let controlPlane: ControlPlane;
  const client = new CatalogClient(() => controlPlane.url);
  let ids: Record<string, string>;
  const endpointIds: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    controlPlane = await startCatalogControlPlane();
    ids = await institutionIds();
    for (const edge of (await client.ok('regulator', ENDPOINTS)).endpoints.edges) {
      (endpointIds[edge.node.institutionSlug] ??= {})[edge.node.name] = edge.node.id;
    }
  });
  afterAll(() => controlPlane.close());

  const create = (caller: Caller, input: Record<string, unknown>) => client.gql(caller, CREATE, { input: { name: unique('key'), ...input } });
  const keysOf = (data: any) => data.apiKeys.edges.map((edge: any) => edge.node);

  it('a tenant admin creates a key: the secret is returned once and stored only as its SHA-256', async () => {
    const name = unique('batch-scoring');
    const scope = [endpointIds['hanbit-bank']['llama-3.1-70b'], endpointIds['hanbit-bank']['gpt-4o']];
    const response = await client.ok('hanbit-bank-admin', CREATE, {
      input: { name, endpointIds: scope, defaultClassification: 'confidential', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    const { secret, apiKey } = response.createApiKey;
    expect(secret).toMatch(API_KEY_PATTERN);
    expect(secret).toMatch(/^aic_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({
      institutionId: ids['hanbit-bank'],
      name,
      keyPrefix: secret.slice(0, 12),
      defaultClassification: 'confidential',
      revokedAt: null,
      status: 'active',
    });
    expect([...apiKey.endpointIds].sort()).toEqual([...scope].sort());

    const [row] = await superuserQuery('select key_prefix, secret_hash, tenant_id, created_by from api_keys where id = $1', [apiKey.id]);
    expect(row.key_prefix).toBe(secret.slice(0, 12));
    expect(Buffer.compare(row.secret_hash, createHash('sha256').update(secret, 'utf8').digest())).toBe(0);
    expect(Buffer.compare(row.secret_hash, hashApiKey(secret))).toBe(0);
    expect(row.tenant_id).toBe(ids['hanbit-bank']);

    // Listing never shows it again, to anyone; neither do logs, audit records or the table.
    for (const caller of ['hanbit-bank-admin', 'platform-admin', 'regulator'] as const) {
      const list = await client.gql(caller, LIST);
      expect(keysOf(list.data).map((key: any) => key.id)).toContain(apiKey.id);
      expect(JSON.stringify(list)).not.toContain(secret);
      expect(JSON.stringify(list)).not.toContain(secret.slice(12));
    }
    const byId = await client.gql('regulator', `query($id: ID!) { apiKey(id: $id) { ${KEY_FIELDS} } }`, { id: apiKey.id });
    expect(byId.data?.apiKey.id).toBe(apiKey.id);
    expect(JSON.stringify(byId)).not.toContain(secret.slice(12));
    expect(client.responses.filter((text) => text.includes(secret))).toHaveLength(1);
    expect(capturedLogLines.filter((line) => line.includes(secret.slice(12)))).toEqual([]);
    const audits = await superuserQuery(`select details::text as details from audit_events where resource_id = $1`, [apiKey.id]);
    expect(audits).toHaveLength(1);
    expect(audits[0].details).not.toContain(secret.slice(12));
    const dump = await superuserQuery(`select t::text as row from api_keys t where id = $1`, [apiKey.id]);
    expect(dump[0].row).not.toContain(secret.slice(12));
    expect(await auditCount('api-key.create', apiKey.id)).toBe(1);
  });

  it('the schema has no field that could carry a secret or its hash', async () => {
    for (const field of ['secret', 'secretHash', 'hash']) {
      const response = await client.gql('platform-admin', `{ apiKeys { edges { node { ${field} } } } }`);
      expect(response.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('tenant users never see another institution’s keys; by id they are NOT_FOUND', async () => {
    const nuri = (await create('nuri-insurance-admin', {})).data?.createApiKey.apiKey;
    const hanbit = keysOf(await client.ok('hanbit-bank-admin', LIST));
    expect(hanbit.length).toBeGreaterThan(0);
    expect(hanbit.every((key: any) => key.institutionId === ids['hanbit-bank'])).toBe(true);
    expect(keysOf(await client.ok('hanbit-bank-admin', LIST, { institutionId: ids['nuri-insurance'] }))).toEqual([]);
    const unknown = await client.gql('hanbit-bank-admin', `query($id: ID!) { apiKey(id: $id) { id } }`, { id: '00000000-0000-4000-8000-000000000000' });
    const foreign = await client.gql('hanbit-bank-admin', `query($id: ID!) { apiKey(id: $id) { id } }`, { id: nuri.id });
    expect(errorCodes(foreign)).toEqual([{ code: 'NOT_FOUND', reason: 'API_KEY_NOT_FOUND' }]);
    expect(errorCodes(unknown)).toEqual(errorCodes(foreign));
    // Nor can they revoke it.
    expect(errorCodes(await client.gql('hanbit-bank-admin', REVOKE, { id: nuri.id }))).toEqual([{ code: 'NOT_FOUND', reason: 'API_KEY_NOT_FOUND' }]);
    const [row] = await superuserQuery('select revoked_at from api_keys where id = $1', [nuri.id]);
    expect(row.revoked_at).toBeNull();
    // Platform admins and regulators list every institution's keys.
    for (const caller of ['platform-admin', 'regulator'] as const) {
      const all = keysOf(await client.ok(caller, LIST));
      expect([...new Set(all.map((key: any) => key.institutionId))]).toEqual(expect.arrayContaining([ids['hanbit-bank'], ids['nuri-insurance']]));
      expect(keysOf(await client.ok(caller, LIST, { institutionId: ids['nuri-insurance'] })).map((key: any) => key.id)).toContain(nuri.id);
    }
  });

  it('role checks: only tenant admins create and revoke; members cannot even list', async () => {
    const own = (await create('gaon-securities-admin', {})).data?.createApiKey.apiKey;
    for (const caller of ['platform-admin', 'regulator', 'gaon-securities-analyst', 'svc-hanbit-bank'] as const) {
      expect(errorCodes(await create(caller, {}))).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
      expect(errorCodes(await client.gql(caller, REVOKE, { id: own.id }))).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
    }
    for (const caller of ['gaon-securities-analyst', 'svc-hanbit-bank', 'hanbit-bank-analyst'] as const) {
      expect(errorCodes(await client.gql(caller, LIST))).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
      expect(errorCodes(await client.gql(caller, `query($id: ID!) { apiKey(id: $id) { id } }`, { id: own.id }))).toEqual([
        { code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' },
      ]);
    }
    expect(errorCodes(await client.gql(undefined, LIST))).toEqual([{ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' }]);
  });

  it('gives a specific reason for each invalid key and writes nothing', async () => {
    const before = await auditCount('api-key.create');
    const [{ n: rowsBefore }] = await superuserQuery('select count(*)::int as n from api_keys');
    const nuriEndpoint = endpointIds['nuri-insurance']['llama-3.1-70b'];
    const cases: [Caller, Record<string, unknown>, string, string][] = [
      ['hanbit-bank-admin', { endpointIds: [nuriEndpoint] }, 'BAD_USER_INPUT', 'UNKNOWN_ENDPOINT'],
      ['hanbit-bank-admin', { endpointIds: [endpointIds['hanbit-bank']['gpt-4o'], nuriEndpoint] }, 'BAD_USER_INPUT', 'UNKNOWN_ENDPOINT'],
      ['hanbit-bank-admin', { endpointIds: ['00000000-0000-4000-8000-000000000000'] }, 'BAD_USER_INPUT', 'UNKNOWN_ENDPOINT'],
      ['hanbit-bank-admin', { endpointIds: [] }, 'BAD_USER_INPUT', 'INVALID_ENDPOINT_SCOPE'],
      ['hanbit-bank-admin', { expiresAt: new Date(Date.now() - 60_000).toISOString() }, 'BAD_USER_INPUT', 'API_KEY_EXPIRY_IN_PAST'],
      ['hanbit-bank-admin', { name: ' ' }, 'BAD_USER_INPUT', 'INVALID_API_KEY_NAME'],
      // Gaon Securities' ceiling is `internal`.
      ['gaon-securities-admin', { defaultClassification: 'personal_credit' }, 'BAD_USER_INPUT', 'CLASSIFICATION_ABOVE_CEILING'],
    ];
    for (const [caller, input, code, reason] of cases) {
      expect({ input, codes: errorCodes(await create(caller, input)) }).toEqual({ input, codes: [{ code, reason }] });
    }
    const name = unique('twice');
    await create('nuri-insurance-admin', { name });
    expect(errorCodes(await create('nuri-insurance-admin', { name }))).toEqual([{ code: 'CONFLICT', reason: 'API_KEY_NAME_TAKEN' }]);
    expect(await auditCount('api-key.create')).toBe(before + 1);
    const [{ n: rowsAfter }] = await superuserQuery('select count(*)::int as n from api_keys');
    expect(rowsAfter).toBe(rowsBefore + 1);
  });

  it('revokes once; revoking again is API_KEY_ALREADY_REVOKED; status filters follow', async () => {
    const key = (await create('nuri-insurance-admin', { defaultClassification: 'public' })).data?.createApiKey.apiKey;
    const revoked = (await client.ok('nuri-insurance-admin', REVOKE, { id: key.id })).revokeApiKey;
    expect(revoked).toMatchObject({ id: key.id, status: 'revoked' });
    expect(revoked.revokedAt).not.toBeNull();
    expect(errorCodes(await client.gql('nuri-insurance-admin', REVOKE, { id: key.id }))).toEqual([{ code: 'CONFLICT', reason: 'API_KEY_ALREADY_REVOKED' }]);
    expect(await auditCount('api-key.revoke', key.id)).toBe(1);
    const revokedList = keysOf(await client.ok('nuri-insurance-admin', LIST, { status: 'revoked' }));
    expect(revokedList.map((k: any) => k.id)).toContain(key.id);
    expect(revokedList.every((k: any) => k.status === 'revoked')).toBe(true);
    const activeList = keysOf(await client.ok('nuri-insurance-admin', LIST, { status: 'active' }));
    expect(activeList.map((k: any) => k.id)).not.toContain(key.id);
    expect(errorCodes(await client.gql('nuri-insurance-admin', REVOKE, { id: 'garbage' }))).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_ID' }]);
  });

  it('a key without scope or expiry covers all own endpoints and defaults to internal', async () => {
    const { apiKey } = (await create('gaon-securities-admin', {})).data!.createApiKey;
    expect(apiKey).toMatchObject({ endpointIds: null, expiresAt: null, defaultClassification: 'internal', status: 'active' });
  });
});
