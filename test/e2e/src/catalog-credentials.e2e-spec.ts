import { errorCodes } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { DEVELOPMENT_CREDENTIAL_KEK } from '@ai-commons/config';
import { LocalKekCipher, endpointCredentialContext } from '@ai-commons/catalog';
import { capturedLogLines } from './support/environment';
import {
  CatalogClient,
  CREATE_ENDPOINT,
  ENDPOINT_FIELDS,
  endpointInput,
  freshOffering,
  institutionIds,
  startCatalogControlPlane,
  superuserQuery,
  unique,
} from './catalog-fixtures';

const ROTATE = `mutation($id: ID!, $credential: String!) { rotateEndpointCredential(id: $id, credential: $credential) { ${ENDPOINT_FIELDS} } }`;

/** Every column of every endpoints row as text (bytea in hex and escape form), and the raw ciphertexts. */
async function endpointsTableDump(): Promise<{ text: string; blobs: Buffer[] }> {
  const rows = await superuserQuery<{ row: string; hex: string | null; escaped: string | null; blob: Buffer | null }>(`
    select t::text as row, encode(credential_ciphertext, 'hex') as hex, encode(credential_ciphertext, 'escape') as escaped,
           credential_ciphertext as blob
    from endpoints t`);
  return {
    text: rows.map((row) => [row.row, row.hex, row.escaped].join('\n')).join('\n'),
    blobs: rows.flatMap((row) => (row.blob ? [row.blob] : [])),
  };
}

describe('write-only upstream credentials', () => {
  let controlPlane: ControlPlane;
  const client = new CatalogClient(() => controlPlane.url);
  const cipher = new LocalKekCipher(Buffer.from(DEVELOPMENT_CREDENTIAL_KEK, 'base64'));
  let ids: Record<string, string>;
  let offeringId: string;

  beforeAll(async () => {
    controlPlane = await startCatalogControlPlane();
    ids = await institutionIds();
    ({ offeringId } = await freshOffering(client, 'credentials'));
  });
  afterAll(() => controlPlane.close());

  async function storedCredential(id: string) {
    const [row] = await superuserQuery(
      'select tenant_id, credential_ciphertext, credential_key_id, credential_fingerprint, credential_rotated_at from endpoints where id = $1',
      [id],
    );
    return row;
  }

  function assertNowhere(secret: string): void {
    expect(client.responses.length).toBeGreaterThan(0);
    expect(capturedLogLines.length).toBeGreaterThan(0);
    expect(client.responses.filter((text) => text.includes(secret))).toEqual([]);
    expect(capturedLogLines.filter((line) => line.includes(secret))).toEqual([]);
  }

  it('encrypts on create and rotate; the plaintext is nowhere: table, responses, logs, audit', async () => {
    const first = `sk-${unique('first-upstream-secret')}`;
    const second = `sk-${unique('rotated-upstream-secret')}`;
    const created = (
      await client.ok('platform-admin', CREATE_ENDPOINT, {
        input: endpointInput(ids['nuri-insurance'], offeringId, { credential: first }),
      })
    ).createEndpoint;
    expect(created.hasCredential).toBe(true);
    expect(created.credentialRotatedAt).not.toBeNull();

    const afterCreate = await storedCredential(created.id);
    expect(afterCreate.tenant_id).toBe(ids['nuri-insurance']);
    expect(afterCreate.credential_key_id).toBe(cipher.keyId);
    expect(afterCreate.credential_fingerprint).toBe(cipher.fingerprint(first));
    const context = endpointCredentialContext(ids['nuri-insurance'], created.id);
    expect(cipher.decrypt({ ciphertext: afterCreate.credential_ciphertext, keyId: afterCreate.credential_key_id }, context)).toBe(first);
    // Bound to this row: another endpoint's context does not open it.
    expect(() =>
      cipher.decrypt(
        { ciphertext: afterCreate.credential_ciphertext, keyId: afterCreate.credential_key_id },
        endpointCredentialContext(ids['hanbit-bank'], created.id),
      ),
    ).toThrow(/could not be decrypted/);

    const rotated = (await client.ok('platform-admin', ROTATE, { id: created.id, credential: second })).rotateEndpointCredential;
    expect(rotated.hasCredential).toBe(true);
    expect(new Date(rotated.credentialRotatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.credentialRotatedAt).getTime());
    const afterRotate = await storedCredential(created.id);
    expect(cipher.decrypt({ ciphertext: afterRotate.credential_ciphertext, keyId: afterRotate.credential_key_id }, context)).toBe(second);
    expect(afterRotate.credential_fingerprint).toBe(cipher.fingerprint(second));
    expect(Buffer.compare(afterRotate.credential_ciphertext, afterCreate.credential_ciphertext)).not.toBe(0);

    // Every reader, every way of asking: only hasCredential / credentialRotatedAt.
    for (const caller of ['platform-admin', 'regulator', 'nuri-insurance-admin', 'nuri-insurance-analyst'] as const) {
      await client.ok(caller, `query($id: ID!) { endpoint(id: $id) { ${ENDPOINT_FIELDS} } }`, { id: created.id });
      await client.ok(caller, `{ endpoints(first: 100) { edges { node { ${ENDPOINT_FIELDS} } } } }`);
    }
    for (const field of ['credential', 'credentialCiphertext', 'credentialFingerprint', 'credentialKeyId']) {
      const response = await client.gql('platform-admin', `query($id: ID!) { endpoint(id: $id) { ${field} } }`, { id: created.id });
      expect(response.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }

    const dump = await endpointsTableDump();
    expect(dump.blobs.length).toBeGreaterThan(1);
    for (const secret of [first, second]) {
      expect(dump.text).not.toContain(secret);
      expect(dump.text).not.toContain(Buffer.from(secret).toString('hex'));
      expect(dump.blobs.filter((blob) => blob.includes(Buffer.from(secret, 'utf8')))).toEqual([]);
      assertNowhere(secret);
      const audit = await superuserQuery(
        `select count(*)::int as n from audit_events where details::text like '%' || $1 || '%' or actor::text like '%' || $1 || '%'`,
        [secret],
      );
      expect(audit[0].n).toBe(0);
    }
    const [rotation] = await superuserQuery(`select details from audit_events where action = 'endpoint.credential-rotate' and resource_id = $1`, [created.id]);
    expect(Object.keys(rotation.details)).toEqual(['name']);
  });

  it('a refused credential is not echoed either', async () => {
    const secret = `sk-${unique('refused-secret')}`;
    const endpoint = (await client.ok('platform-admin', CREATE_ENDPOINT, { input: endpointInput(ids['hanbit-bank'], offeringId) })).createEndpoint;
    expect(endpoint.hasCredential).toBe(false);
    const response = await client.gql('platform-admin', ROTATE, { id: endpoint.id, credential: `${secret}\r\nX-Injected: 1` });
    expect(errorCodes(response)).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_CREDENTIAL' }]);
    const denied = await client.gql('hanbit-bank-admin', ROTATE, { id: endpoint.id, credential: secret });
    expect(errorCodes(denied)).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
    assertNowhere(secret);
    expect((await storedCredential(endpoint.id)).credential_ciphertext).toBeNull();
  });

  it('each demo endpoint has its own encrypted demo credential', async () => {
    const rows = await superuserQuery(`
      select e.tenant_id, e.id, e.name, i.slug, e.credential_ciphertext, e.credential_key_id
      from endpoints e join institutions i on i.id = e.tenant_id
      where i.slug in ('hanbit-bank', 'nuri-insurance', 'gaon-securities') and e.name in ('llama-3.1-70b', 'exaone-3.5-32b', 'gpt-4o')`);
    expect(rows.map((row) => `${row.slug}/${row.name}`).sort()).toEqual([
      'gaon-securities/llama-3.1-70b',
      'hanbit-bank/exaone-3.5-32b',
      'hanbit-bank/gpt-4o',
      'hanbit-bank/llama-3.1-70b',
      'nuri-insurance/llama-3.1-70b',
    ]);
    const plaintexts = rows.map((row) =>
      cipher.decrypt({ ciphertext: row.credential_ciphertext, keyId: row.credential_key_id }, endpointCredentialContext(row.tenant_id, row.id)),
    );
    expect(new Set(plaintexts).size).toBe(rows.length);
    for (const [index, row] of rows.entries()) expect(plaintexts[index]).toBe(`demo-upstream-key-${row.slug}-${row.name}`);
  });
});
