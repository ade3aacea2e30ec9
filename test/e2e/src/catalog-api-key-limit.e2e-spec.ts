import { errorCodes } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { CatalogClient, institutionIds, startCatalogControlPlane, superuserQuery, unique } from './catalog-fixtures';

const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id status } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) { id status } }`;

/** Active keys of an institution, counted as the service counts them. */
async function activeKeys(tenantId: string): Promise<number> {
  const [{ n }] = await superuserQuery(
    `select count(*)::int as n from api_keys where tenant_id = $1 and revoked_at is null and (expires_at is null or expires_at > now())`,
    [tenantId],
  );
  return n;
}

describe('maximum number of active API keys per institution', () => {
  let controlPlane: ControlPlane;
  const client = new CatalogClient(() => controlPlane.url);
  let gaon: string;
  let limit: number;

  beforeAll(async () => {
    await (await startCatalogControlPlane()).close(); // seeds the demo consortium
    // Other suites' fixtures leave keys behind in the shared database: room for exactly two more.
    gaon = (await institutionIds())['gaon-securities'];
    expect(gaon).toEqual(expect.any(String));
    limit = (await activeKeys(gaon)) + 2;
    controlPlane = await startCatalogControlPlane({ API_KEYS_MAX_ACTIVE_PER_INSTITUTION: String(limit) });
  });
  afterAll(() => controlPlane.close());

  const create = () => client.gql('gaon-securities-admin', CREATE, { input: { name: unique('limited') } });

  it('refuses one more active key with CONFLICT / API_KEY_LIMIT_REACHED; revoked and expired keys do not count; concurrent creations cannot overshoot', async () => {
    const first = (await create()).data!.createApiKey.apiKey;
    expect((await create()).errors).toBeUndefined();
    const refused = await create();
    expect(errorCodes(refused)).toEqual([{ code: 'CONFLICT', reason: 'API_KEY_LIMIT_REACHED' }]);
    expect(refused.errors![0].extensions).toMatchObject({ details: { limit, active: limit } });
    expect(await activeKeys(gaon)).toBe(limit);

    // An expired key does not count; revoking one makes room for exactly one more, even when asked concurrently.
    await superuserQuery(
      `update api_keys set expires_at = now() - interval '1 second' where id = (select id from api_keys where tenant_id = $1 and revoked_at is null and id <> $2 order by created_at desc limit 1)`,
      [gaon, first.id],
    );
    await client.ok('gaon-securities-admin', REVOKE, { id: first.id });
    const attempts = await Promise.all(Array.from({ length: 6 }, () => create()));
    expect(attempts.filter((attempt) => !attempt.errors).length).toBe(2);
    expect(attempts.filter((attempt) => attempt.errors).flatMap(errorCodes)).toEqual(Array(4).fill({ code: 'CONFLICT', reason: 'API_KEY_LIMIT_REACHED' }));
    expect(await activeKeys(gaon)).toBe(limit);
  });
});
