import { errorCodes } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { CatalogClient, startCatalogControlPlane, superuserQuery, unique } from './catalog-fixtures';

// The API the console's playground and tree-head timeline use: createPlaygroundKey (short-lived,
// one per person, members may mint it), playgroundCall (one's own calls only) and treeHeads (keyset).

const MINT = 'mutation { createPlaygroundKey { secret apiKey { id name expiresAt status useCaseId } } }';
const CALL = 'query($id: String!) { playgroundCall(requestId: $id) { completed } }';
const HEADS = 'query($after: String) { treeHeads(first: 2, after: $after) { edges { node { treeSize timestamp } } pageInfo { endCursor hasNextPage } } }';

describe('console API: playground keys, playground calls, tree heads', () => {
  let controlPlane: ControlPlane;
  const client = new CatalogClient(() => controlPlane.url);

  beforeAll(async () => {
    controlPlane = await startCatalogControlPlane({ AUDIT_TREE_HEAD_INTERVAL_MS: '200' });
  });
  afterAll(() => controlPlane.close());

  it('a member mints a 15-minute key of their own; a second one revokes the first; the mint is audited', async () => {
    const before = Date.now();
    const first = (await client.ok('hanbit-bank-analyst', MINT)).createPlaygroundKey;
    expect(first.apiKey).toMatchObject({ status: 'active', useCaseId: null });
    expect(first.apiKey.name).toMatch(/^playground:[^:]+:\d+$/);
    const expiresIn = new Date(first.apiKey.expiresAt).getTime() - before;
    expect(expiresIn).toBeGreaterThan(14 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000 + 5_000);

    const second = (await client.ok('hanbit-bank-analyst', MINT)).createPlaygroundKey;
    const rows = await superuserQuery('select id, revoked_at from api_keys where id = any($1::uuid[])', [[first.apiKey.id, second.apiKey.id]]);
    const revoked = Object.fromEntries(rows.map((row: any) => [row.id, row.revoked_at !== null]));
    expect(revoked).toEqual({ [first.apiKey.id]: true, [second.apiKey.id]: false });
    const [audit] = await superuserQuery(`select details from audit_events where action = 'api-key.create' and resource_id = $1`, [second.apiKey.id]);
    expect(audit.details).toMatchObject({ playground: true, replaced: [first.apiKey.id] });
  });

  it('supervisors and platform admins cannot mint one; nobody names a regular key like one', async () => {
    for (const caller of ['regulator', 'platform-admin'] as const) {
      expect(errorCodes(await client.gql(caller, MINT))).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
    }
    const named = await client.gql('hanbit-bank-admin', 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', {
      input: { name: `playground:${unique('x')}` },
    });
    expect(errorCodes(named)).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_API_KEY_NAME' }]);
  });

  it('playgroundCall answers null for a request that is not the caller’s own playground call, and refuses a malformed id', async () => {
    expect((await client.ok('hanbit-bank-analyst', CALL, { id: 'no-such-request' })).playgroundCall).toBeNull();
    expect(errorCodes(await client.gql('hanbit-bank-analyst', CALL, { id: 'bad id with spaces' }))).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_ID' }]);
    expect(errorCodes(await client.gql('regulator', CALL, { id: 'x' }))).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
  });

  it('treeHeads pages newest first by keyset; a forged cursor is refused', async () => {
    // Reads by supervisors are audited, so the log grows and heads are signed meanwhile.
    let page: any;
    const deadline = Date.now() + 15_000;
    do {
      await client.ok('regulator', '{ institutions(first: 1) { edges { node { id } } } }');
      page = (await client.ok('regulator', HEADS, {})).treeHeads;
    } while (!page.pageInfo.hasNextPage && Date.now() < deadline);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = (await client.ok('regulator', HEADS, { after: page.pageInfo.endCursor })).treeHeads;
    const [a, b] = page.edges.map((edge: any) => edge.node);
    const [c] = next.edges.map((edge: any) => edge.node);
    for (const [newer, older] of [
      [a, b],
      [b, c],
    ]) {
      expect(new Date(newer.timestamp).getTime()).toBeGreaterThanOrEqual(new Date(older.timestamp).getTime());
      expect(newer.treeSize).toBeGreaterThanOrEqual(older.treeSize);
    }
    const forged = Buffer.from(JSON.stringify([new Date().toISOString(), '1; drop table x'])).toString('base64url');
    expect(errorCodes(await client.gql('regulator', HEADS, { after: forged }))).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_TREE_SIZE' }]);
  });
});
