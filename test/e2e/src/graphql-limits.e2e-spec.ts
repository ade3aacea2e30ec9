import { createHash } from 'node:crypto';
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
  /** HTTP status and code of a refusal: every limit answers 400 with its own code. */
  const refusalOf = (response: Awaited<ReturnType<typeof graphqlRequest>>) => ({
    status: response.status,
    code: response.errors?.[0]?.extensions?.code,
  });

  it('limits depth, also through fragments and in GET requests', async () => {
    const deep = '{ institutions { edges { node { statusHistory { edges { node { reason } } } } } } }';
    expect(refusalOf(await graphqlRequest(controlPlane.url, deep, { token }))).toEqual({ status: 400, code: 'MAX_DEPTH_EXCEEDED' });
    const viaFragment = '{ institutions { ...I } } fragment I on InstitutionConnection { edges { node { statusHistory { edges { node { reason } } } } } }';
    expect(refusalOf(await graphqlRequest(controlPlane.url, viaFragment, { token }))).toEqual({ status: 400, code: 'MAX_DEPTH_EXCEEDED' });
    const get = await fetch(`${controlPlane.url}/graphql?query=${encodeURIComponent(deep)}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(400);
    expect(((await get.json()) as any).errors[0].extensions.code).toBe('MAX_DEPTH_EXCEEDED');
  });

  it('limits aliases, counting those of fragments each time they run', async () => {
    const aliased = '{ a: me { username } b: me { username } c: me { username } d: me { username } }';
    expect(refusalOf(await graphqlRequest(controlPlane.url, aliased, { token }))).toEqual({ status: 400, code: 'MAX_ALIASES_EXCEEDED' });
    const spread = '{ x: institutions { ...E } y: institutions { ...E } } fragment E on InstitutionConnection { a: pageInfo { hasNextPage } }';
    expect(refusalOf(await graphqlRequest(controlPlane.url, spread, { token }))).toEqual({ status: 400, code: 'MAX_ALIASES_EXCEEDED' });
  });

  it('limits cost with HTTP 400, pricing page sizes from variables or their declared defaults', async () => {
    const query = 'query($n: Int) { institutions(first: $n) { edges { node { slug nameKo nameEn sector status } } } }';
    expect((await graphqlRequest(controlPlane.url, query, { token, variables: { n: 5 } })).errors).toBeUndefined();
    const expensive = await graphqlRequest(controlPlane.url, query, { token, variables: { n: 100 } });
    expect(refusalOf(expensive)).toEqual({ status: 400, code: 'MAX_COST_EXCEEDED' });
    expect(reasonOf(expensive)).toBe('MAX_COST_EXCEEDED');
    const withDefault = query.replace('$n: Int', '$n: Int = 100');
    expect(refusalOf(await graphqlRequest(controlPlane.url, withDefault, { token }))).toEqual({ status: 400, code: 'MAX_COST_EXCEEDED' });
    expect((await graphqlRequest(controlPlane.url, withDefault, { token, variables: { n: 5 } })).errors).toBeUndefined();
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
    expect(((await refused.json()) as any).errors[0].extensions).toMatchObject({ code: 'MAX_BATCH_EXCEEDED', reason: 'MAX_BATCH_EXCEEDED' });
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

/** The defaults an unconfigured control plane runs with, probed as an outside client would. */
describe('GraphQL limits with the default configuration', () => {
  let controlPlane: ControlPlane;
  let token: string;
  beforeAll(async () => {
    controlPlane = await startControlPlane();
    token = await userToken('regulator');
  });
  afterAll(() => controlPlane.close());

  const post = (body: unknown, options: { token?: string; signal?: AbortSignal } = {}) =>
    fetch(`${controlPlane.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      body: JSON.stringify(body),
      signal: options.signal ?? AbortSignal.timeout(30_000),
    });
  async function refusal(body: unknown, withToken = true): Promise<{ status: number; code?: string }> {
    const response = await post(body, { token: withToken ? token : undefined });
    const json = (await response.json()) as any;
    const errors = Array.isArray(json) ? json.flatMap((one: any) => one.errors ?? []) : (json.errors ?? []);
    return { status: response.status, code: errors[0]?.extensions?.code };
  }
  const page = (first: string) => ({ query: `{ institutions(first: ${first}) { edges { node { slug } } } }` });

  /** `levels` fragments on Query, each spreading the previous one twice: under 1 KB. */
  function fragmentChain(levels: number): string {
    let query = `query { ...F${levels} } fragment F0 on Query { me { username } }`;
    for (let i = 1; i <= levels; i++) query += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
    return query;
  }

  it('answers huge, negative and malformed page sizes with a client error (over the cost limit: 400 and its code), never 500', async () => {
    for (const first of ['100000', '2147483647', '2147483648', '99999999999999999999']) {
      expect({ first, ...(await refusal(page(first))) }).toEqual({ first, status: 400, code: 'MAX_COST_EXCEEDED' });
    }
    const byVariable = (n: unknown) => ({ query: 'query($n: Int) { institutions(first: $n) { edges { node { slug } } } }', variables: { n } });
    for (const n of [100000, 2 ** 31, 2 ** 31 - 1, 1e300]) {
      expect({ n, ...(await refusal(byVariable(n))) }).toEqual({ n, status: 400, code: 'MAX_COST_EXCEEDED' });
    }
    // Below the limit, the resolvers and GraphQL's own coercion answer malformed values.
    const cases: [unknown, { status: number; code: string }][] = [
      [page('-1'), { status: 200, code: 'BAD_USER_INPUT' }],
      [page('0'), { status: 200, code: 'BAD_USER_INPUT' }],
      [page('1.5'), { status: 400, code: 'BAD_USER_INPUT' }],
      [page('"10"'), { status: 400, code: 'BAD_USER_INPUT' }],
      [
        { query: 'query($n: Int) { institutions(first: $n) { edges { cursor } } }', variables: { n: 2.5 } },
        { status: 400, code: 'BAD_USER_INPUT' },
      ],
      [
        { query: 'query($n: Int) { institutions(first: $n) { edges { cursor } } }', variables: { n: 'many' } },
        { status: 400, code: 'BAD_USER_INPUT' },
      ],
      [
        { query: 'query($n: Int) { institutions(first: $n) { edges { cursor } } }', variables: { n: -5 } },
        { status: 200, code: 'BAD_USER_INPUT' },
      ],
    ];
    for (const [body, expected] of cases) expect({ body, ...(await refusal(body)) }).toEqual({ body, ...expected });
  });

  it('refuses a batch of 5 operations of 15 aliases each over the cost limit with 400', async () => {
    const aliased = `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: institutions(first: 100) { edges { node { slug nameKo } } }`).join(' ')} }`;
    expect(await refusal(Array.from({ length: 5 }, () => ({ query: aliased })))).toEqual({ status: 400, code: 'MAX_COST_EXCEEDED' });
    const cheap = `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: me { username }`).join(' ')} }`;
    const response = await post(
      Array.from({ length: 5 }, () => ({ query: cheap })),
      { token },
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as any[]).every((one) => one.data.a14.username === 'regulator')).toBe(true);
  });

  it('bounds the document: its tokens and its size in bytes, each with its own code', async () => {
    expect(await refusal({ query: `{ me { ${'username '.repeat(600)}} }` })).toEqual({ status: 400, code: 'MAX_TOKENS_EXCEEDED' });
    expect(await refusal({ query: `# ${'x'.repeat(20_000)}\n{ me { username } }` })).toEqual({ status: 400, code: 'DOCUMENT_TOO_LARGE' });
    expect(await refusal({ query: `{ me { username } } # ${'x'.repeat(10_000)}` })).toEqual({ status: 200, code: undefined });
  });

  it('answers an oversized or malformed body with a GraphQL-shaped error', async () => {
    const send = async (body: string) => {
      const response = await fetch(`${controlPlane.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return { status: response.status, code: ((await response.json()) as any).errors?.[0]?.extensions?.code };
    };
    expect(await send(JSON.stringify({ query: '{ me { username } }', variables: { pad: 'x'.repeat(300 * 1024) } }))).toEqual({
      status: 413,
      code: 'REQUEST_TOO_LARGE',
    });
    expect(await send('{"query": "{ me { username } }"')).toEqual({ status: 400, code: 'BAD_REQUEST' });
  });

  it('lets no persisted-query hash skip the checks: a request carries its whole document', async () => {
    const query = 'query($a: Int, $b: Int) { institutions(first: $a) { edges { node { statusHistory(first: $b) { edges { node { reason } } } } } } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    await post({ query, variables: { a: 1, b: 1 }, extensions }, { token });
    // Replayed by hash with page sizes the cost limit refuses (100 × 100 status changes): nothing runs
    // (the persisted-query protocol answers 200 so that clients resend the whole document).
    const replay = (await (await post({ variables: { a: 100, b: 100 }, extensions }, { token })).json()) as any;
    expect({ data: replay.data, code: replay.errors?.[0]?.extensions?.code }).toEqual({ data: undefined, code: 'PERSISTED_QUERY_NOT_SUPPORTED' });
  });

  it('validates a fragment chain of 24 levels, each spreading the previous twice, in milliseconds', async () => {
    const started = performance.now();
    const response = await post({ query: fragmentChain(24) }, { token });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.me.username).toBe('regulator');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('keeps /health/live answering while 20 adversarial requests are in flight', async () => {
    const adversarial = Array.from({ length: 20 }, (_, i) =>
      post(
        {
          query:
            i % 2
              ? fragmentChain(22 + (i % 3))
              : `{ ${Array.from({ length: 15 }, (_, k) => `a${k}: institutions(first: 100000) { edges { node { slug } } }`).join(' ')} }`,
        },
        {
          signal: AbortSignal.timeout(20_000),
        },
      ).then((response) => response.status),
    );
    const started = performance.now();
    const health = await fetch(`${controlPlane.url}/health/live`, { signal: AbortSignal.timeout(20_000) });
    const healthMs = performance.now() - started;
    expect(health.status).toBe(200);
    expect(healthMs).toBeLessThan(1_000);
    const statuses = await Promise.all(adversarial);
    // Anonymous: the chain validates and runs (me → UNAUTHENTICATED), the pages are refused for cost.
    expect(statuses.every((status) => status === 200 || status === 400)).toBe(true);
  });
});
