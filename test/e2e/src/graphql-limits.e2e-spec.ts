import { errorCodes, graphqlRequest, userToken } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { startControlPlane } from './support/environment';

describe('GraphQL protections', () => {
  let controlPlane: ControlPlane;
  let token: string;
  beforeAll(async () => {
    controlPlane = await startControlPlane({ GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_ALIASES: '3', GRAPHQL_MAX_COST: '200', GRAPHQL_MAX_BATCH: '2' });
    token = await userToken('regulator');
  });
  afterAll(() => controlPlane.close());

  const reasonOf = (response: Awaited<ReturnType<typeof graphqlRequest>>) => response.errors?.[0]?.extensions?.reason;

  it('limits depth', async () => {
    const deep = '{ institutions { edges { node { statusHistory { edges { node { reason } } } } } } }';
    expect(reasonOf(await graphqlRequest(controlPlane.url, deep, { token }))).toBe('MAX_DEPTH_EXCEEDED');
  });

  it('limits aliases', async () => {
    const aliased = '{ a: me { username } b: me { username } c: me { username } d: me { username } }';
    expect(reasonOf(await graphqlRequest(controlPlane.url, aliased, { token }))).toBe('MAX_ALIASES_EXCEEDED');
  });

  it('limits cost, pricing page sizes from variables', async () => {
    const query = 'query($n: Int) { institutions(first: $n) { edges { node { slug nameKo nameEn sector status } } } }';
    expect((await graphqlRequest(controlPlane.url, query, { token, variables: { n: 5 } })).errors).toBeUndefined();
    const expensive = await graphqlRequest(controlPlane.url, query, { token, variables: { n: 100 } });
    expect(reasonOf(expensive)).toBe('MAX_COST_EXCEEDED');
  });

  it('limits batches', async () => {
    const operation = { query: '{ me { username } }' };
    const send = (count: number) =>
      fetch(`${controlPlane.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(Array.from({ length: count }, () => operation)),
      });
    const allowed = await send(2);
    expect(allowed.status).toBe(200);
    expect((await allowed.json()) as unknown[]).toHaveLength(2);
    const refused = await send(3);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).errors[0].extensions.reason).toBe('MAX_BATCH_EXCEEDED');
  });

  it('gives field suggestions to authenticated callers only', async () => {
    const typo = '{ institutoins { edges { cursor } } }';
    const anonymous = await graphqlRequest(controlPlane.url, typo);
    expect(anonymous.errors?.[0].message).toBe('Cannot query field "institutoins" on type "Query".');
    const authenticated = await graphqlRequest(controlPlane.url, typo, { token });
    expect(authenticated.errors?.[0].message).toMatch(/Did you mean "institutions"/);
  });

  it('introspection is off by default', async () => {
    const response = await graphqlRequest(controlPlane.url, '{ __schema { queryType { name } } }', { token });
    expect(errorCodes(response)[0].code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('introspection can be turned on', async () => {
    const open = await startControlPlane({ GRAPHQL_INTROSPECTION: 'true' });
    try {
      const response = await graphqlRequest(open.url, '{ __schema { queryType { name } } }', { token });
      expect(response.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await open.close();
    }
  });
});
