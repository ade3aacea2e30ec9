import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { graphqlRequest } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { CatalogClient, endpointInput, freshOffering, modelInput, startCatalogControlPlane, unique } from './catalog-fixtures';

/**
 * Walks every Query and Mutation root field of the live schema (introspection) and calls it with
 * malformed values of every argument and of every input-object field at any depth, one at a time,
 * while the other arguments hold plausible values (ids of entities this test owns, so the calls get
 * past "not found" into the services). Whatever the answer, it is never a 5xx or an
 * INTERNAL_SERVER_ERROR; a value that breaks an input rule (not a UUID, a control character, too
 * long, not a date, out of range, a malformed cursor, the wrong type) is a BAD_USER_INPUT with a
 * `reason`.
 * Calls are made as a platform admin and as a tenant admin, each for the fields its role allows.
 */

interface Malformed {
  value: unknown;
  /** Breaks an input rule: the answer must be BAD_USER_INPUT. Otherwise any answer but a server error. */
  refused: boolean;
}
const bad = (...values: unknown[]): Malformed[] => values.map((value) => ({ value, refused: true }));
const odd = (...values: unknown[]): Malformed[] => values.map((value) => ({ value, refused: false }));

const cursor = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const deepJson = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

const MALFORMED_TEXT = [
  ...bad(
    '\u0000',
    'name\u0000with nul',
    'bell\u0007 escape\u001b[31m',
    'del\u007f',
    'lone \ud800 surrogate',
    'x'.repeat(200_000),
    `${'a'.repeat(200_000)}@example.com`,
    12,
  ),
  ...odd(
    '',
    ' ',
    'a@'.repeat(50_000),
    '{}',
    '[]',
    'null',
    '{"a":',
    deepJson(5_000),
    '{"a":"\\u0000"}',
    '{"__proto__":{"polluted":true}}',
    '한빛 😀',
    "' or 1=1 --",
  ),
];
const MALFORMED_ID = bad(
  'not-a-uuid',
  '',
  '\u0000',
  '00000000-0000-0000-0000-00000000000g',
  '00000000-0000-0000-0000-000000000000\u0000',
  "' or 1=1 --",
  'x'.repeat(200_000),
  12345,
);
const MALFORMED_DATE = [
  ...bad(
    'not-a-date',
    '',
    '\u0000',
    '2026-13-45T25:61:00Z',
    '2026-02-30T00:00:00Z',
    '-271821-04-20T00:00:00.000Z',
    '+275760-09-13T00:00:00.000Z',
    '0000-01-01T00:00:00Z',
    '-004714-01-01T00:00:00Z',
    1e20,
    -1,
  ),
  ...odd('9999-12-31T23:59:59.999Z', '0001-01-01T00:00:00Z'),
];
const MALFORMED_INT = [...odd(-1, 0, -2147483648, 2147483647), ...bad(2147483648, -2147483649, 1.5, '1')];
const MALFORMED_FLOAT = [...odd(-1, 0, 0.5, 5e-324, -(2 ** 53 - 1), 2 ** 53 - 1), ...bad(-1e308, 1e308, 2 ** 53 + 2, '1')];
const MALFORMED_CURSOR = [
  ...bad(
    'not a cursor!',
    cursor('[]'),
    cursor('{}'),
    cursor('[null]'),
    cursor('[1e400]'),
    cursor('["2026-01-01T00:00:00Z","not-a-uuid"]'),
    cursor('["\u0000","\u0000"]'),
    cursor('[{"a":1},[2],true]'),
    cursor(`[${'1,'.repeat(10_000)}1]`),
    cursor(deepJson(5_000)),
  ),
  // Well-formed for lists keyed by name (and name, id); malformed for those keyed by time.
  ...odd(cursor('["x"]'), cursor('["not-a-date","00000000-0000-0000-0000-000000000000"]')),
];

function leafMalformed(typeName: string, argument: string): Malformed[] {
  if (argument === 'after') return MALFORMED_CURSOR;
  switch (typeName) {
    case 'ID':
      return MALFORMED_ID;
    case 'Int':
      return MALFORMED_INT;
    case 'Float':
      return MALFORMED_FLOAT;
    case 'Boolean':
      return bad('true', 0);
    case 'DateTime':
      return MALFORMED_DATE;
    default:
      return MALFORMED_TEXT;
  }
}

const hasRequiredField = (type: GraphQLInputObjectType) =>
  Object.values(type.getFields()).some((field) => isNonNullType(field.type) && field.defaultValue === undefined);

interface Variation extends Malformed {
  /** Where the malformed value went, e.g. `input.members[0].hardCap.tokensPerMinute`. */
  at: string;
  /** The malformed value itself (`value` is the whole argument around it). */
  leaf: unknown;
}

/**
 * Every malformed value of `type` at `at`, each returned as the whole value of the argument with
 * the rest of `plausible` kept: leaves get the values above, input objects also their wrong
 * shapes, and each of their fields in turn (to any depth); lists the same for their item.
 */
function* variationsOf(
  type: GraphQLInputType,
  plausible: unknown,
  at: string,
  plausibleOf: (type: GraphQLInputType, name: string) => unknown,
): Generator<Variation> {
  const name = at
    .replace(/\[0\]$/, '')
    .split('.')
    .at(-1)!;
  const here = (malformed: Malformed): Variation => ({ at, leaf: malformed.value, ...malformed });
  if (isNonNullType(type)) yield here({ value: null, refused: true });
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) {
    yield here({ value: [], refused: false });
    const item = nullable.ofType as GraphQLInputType;
    const itemPlausible = Array.isArray(plausible) && plausible.length > 0 ? plausible[0] : plausibleOf(item, name);
    for (const variation of variationsOf(item, itemPlausible, `${at}[0]`, plausibleOf)) yield { ...variation, value: [variation.value] };
    return;
  }
  if (isEnumType(nullable)) {
    yield* bad('NOT_A_VALUE', '', '\u0000').map(here);
    return;
  }
  if (isInputObjectType(nullable)) {
    yield* [...bad([], 'text', { unknownField: 1 }), { value: {}, refused: hasRequiredField(nullable) }].map(here);
    const base = (plausible && typeof plausible === 'object' ? plausible : plausibleOf(nullable, name)) as Record<string, unknown>;
    for (const field of Object.values(nullable.getFields())) {
      const fieldPlausible = base[field.name] ?? plausibleOf(field.type, field.name);
      for (const variation of variationsOf(field.type, fieldPlausible, `${at}.${field.name}`, plausibleOf)) {
        yield { ...variation, value: { ...base, [field.name]: variation.value } };
      }
    }
    return;
  }
  yield* leafMalformed(nullable.name, name).map(here);
}

const CALLERS = ['platform-admin', 'hanbit-bank-admin'] as const;
const WALK_KEY_NAME = 'malformed-arguments walk';

interface Fixtures {
  institution: string;
  institutionToOffboard: string;
  endpoint: string;
  model: string;
  offering: string;
  pool: string;
  auditEvent: string;
  policyDocumentJson: string;
}

/** The id an argument plausibly names: one of this test's own entities, else an unknown UUID. */
function plausibleId(fieldName: string, argument: string, fixtures: Fixtures): string {
  const byArgument: Record<string, string> = {
    institutionId: fixtures.institution,
    poolId: fixtures.pool,
    offeringId: fixtures.offering,
    modelId: fixtures.model,
    endpointId: fixtures.endpoint,
    endpointIds: fixtures.endpoint,
  };
  if (byArgument[argument]) return byArgument[argument];
  if (fieldName === 'offboardInstitution') return fixtures.institutionToOffboard;
  const byField: [RegExp, string][] = [
    [/auditEvent/i, fixtures.auditEvent],
    [/institution/i, fixtures.institution],
    [/endpoint/i, fixtures.endpoint],
    [/offering/i, fixtures.offering],
    [/model/i, fixtures.model],
    [/pool/i, fixtures.pool],
  ];
  return byField.find(([pattern]) => pattern.test(fieldName))?.[1] ?? '5f0c5b8e-8d53-4b53-9d3c-3b1f5a0c0d01';
}

/** Whole plausible values for arguments whose generic value would not get past validation. */
function plausibleArguments(fixtures: Fixtures): Record<string, unknown> {
  const day = { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' };
  return {
    'createInstitution.input': {
      slug: unique('walk'),
      nameKo: '워커은행',
      nameEn: 'Walker Bank',
      sector: 'bank',
      investedCapitalKrw: '1000',
      contacts: [{ name: 'Choi', email: 'choi@walker.example', phone: '+82 2-123-4567', role: 'owner' }],
    },
    'updateInstitution.input': { nameEn: 'Walker Bank' },
    'createEndpoint.input': endpointInput(fixtures.institution, fixtures.offering),
    'updateEndpointLimits.limits': { maxOutputTokens: 2048, defaultMaxTokens: 512 },
    'registerModel.input': modelInput(unique('walk-model')),
    'registerModelOffering.input': { modelId: fixtures.model, hosting: 'shared_infrastructure', region: 'KR', networkZone: 'internal', operator: 'walker' },
    'createQuotaPool.input': {
      name: unique('walk-pool'),
      capacity: { tokensPerMinute: 1000, requestsPerMinute: 10, concurrentRequests: 2 },
      headroom: 0.1,
      monthlyCostKrw: '1000',
      members: [{ institutionId: fixtures.institution, periodTokenBudget: 1000 }],
    },
    // removeQuotaPoolMember may have run first: the update names the member again.
    'updateQuotaPool.input': { headroom: 0.2, members: [{ institutionId: fixtures.institution }] },
    'previewQuotaAllocation.poolId': fixtures.pool,
    'previewQuotaAllocation.change': { headroom: 0.2 },
    'quotaUsageReport.from': day.from,
    'quotaUsageReport.to': day.to,
    'quotaSettlement.from': day.from,
    'quotaSettlement.to': day.to,
    'auditEvents.filter': { from: day.from },
    // The current version again: refused as a version conflict, so the walk publishes nothing.
    'publishDataPolicy.documentJson': fixtures.policyDocumentJson,
    'previewDataPolicy.documentJson': fixtures.policyDocumentJson,
    'previewDataPolicy.sampleRequestJson': JSON.stringify({
      classification: 'internal',
      institutionCeiling: 'personal-credit',
      endpoint: { hosting: 'shared-infrastructure', region: 'KR', networkZone: 'internal' },
    }),
    'setInstitutionPiiSettings.settingsJson': '{"card":{"mode":"mask"}}',
    'setInstitutionPiiSettings.institutionId': fixtures.institution,
    'changeEndpointState.state': 'active',
    'createApiKey.input': { name: WALK_KEY_NAME },
  };
}

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const declarations = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const passing = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind}${declarations ? `(${declarations})` : ''} { ${field.name}${passing ? `(${passing})` : ''}${selection} }`;
}

const describeValue = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}… (${text.length} chars)` : text;
};

/**
 * A refused value answers BAD_USER_INPUT, or — for page sizes past what a page can cost, such as
 * `first: 2^31` — the edge's cost limit (HTTP 400, MAX_COST_EXCEEDED), which runs before GraphQL.
 */
function isClientRefusal(status: number, code: unknown): boolean {
  return code === 'BAD_USER_INPUT' || (status === 400 && typeof code === 'string' && code.endsWith('_EXCEEDED'));
}

describe('every root field refuses malformed arguments without a server error', () => {
  let controlPlane: ControlPlane;
  let schema: GraphQLSchema;
  let fixtures: Fixtures;
  const client = new CatalogClient(() => controlPlane.url);

  beforeAll(async () => {
    controlPlane = await startCatalogControlPlane({ GRAPHQL_INTROSPECTION: 'true' });
    const introspection = await client.ok<IntrospectionQuery>('platform-admin', getIntrospectionQuery());
    schema = buildClientSchema(introspection);
    const createInstitution = async () =>
      (
        await client.ok('platform-admin', 'mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { id } }', {
          input: { slug: unique('walk'), nameKo: '워커', nameEn: 'Walker', sector: 'bank', investedCapitalKrw: '1000' },
        })
      ).createInstitution.id as string;
    const institution = await createInstitution();
    const institutionToOffboard = await createInstitution();
    const { modelId, offeringId } = await freshOffering(client, 'walk-model');
    const endpoint = await client.ok('platform-admin', 'mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { id } }', {
      input: endpointInput(institution, offeringId),
    });
    const pool = await client.ok('platform-admin', 'mutation($input: QuotaPoolInput!) { createQuotaPool(input: $input) { id } }', {
      input: {
        name: unique('walk-pool'),
        capacity: { tokensPerMinute: 1000, requestsPerMinute: 10, concurrentRequests: 2 },
        headroom: 0.1,
        members: [{ institutionId: institution }],
      },
    });
    const policy = await client.ok('platform-admin', '{ dataPolicy { documentJson } }');
    const events = await client.ok('platform-admin', '{ auditEvents(first: 1, newestFirst: true) { edges { node { id } } } }');
    fixtures = {
      institution,
      institutionToOffboard,
      endpoint: endpoint.createEndpoint.id,
      model: modelId,
      offering: offeringId,
      pool: pool.createQuotaPool.id,
      auditEvent: events.auditEvents.edges[0].node.id,
      policyDocumentJson: policy.dataPolicy.documentJson,
    };
  });

  afterAll(async () => {
    // What this walk created leaves the consortium, so other suites see the demo consortium as
    // before: its endpoints retired (no probe reaches them), its institutions offboarded.
    const listed = await client.ok('platform-admin', '{ institutions(first: 100) { edges { node { id slug status } } } }');
    const walkers = (listed.institutions.edges as { node: { id: string; slug: string; status: string } }[])
      .map(({ node }) => node)
      .filter((node) => node.slug.startsWith('walk-'));
    const CHANGE = 'mutation($id: ID!, $state: EndpointState!) { changeEndpointState(id: $id, state: $state, reason: "walk done") { state } }';
    for (const institution of walkers) {
      const endpoints = await client.ok('platform-admin', 'query($id: ID) { endpoints(institutionId: $id, first: 100) { edges { node { id state } } } }', {
        id: institution.id,
      });
      for (const { node } of endpoints.endpoints.edges as { node: { id: string; state: string } }[]) {
        if (node.state === 'active') await client.gql('platform-admin', CHANGE, { id: node.id, state: 'draining' });
        if (node.state !== 'retired') await client.gql('platform-admin', CHANGE, { id: node.id, state: 'retired' });
      }
      if (institution.status !== 'offboarded') {
        await client.gql('platform-admin', 'mutation($id: ID!) { offboardInstitution(id: $id, reason: "walk done") { id } }', { id: institution.id });
      }
    }
    // API keys the tenant admin's walk created (named by the plausible input).
    const keys = await client.ok('hanbit-bank-admin', '{ apiKeys(status: active, first: 100) { edges { node { id name } } } }');
    for (const { node } of keys.apiKeys.edges as { node: { id: string; name: string } }[]) {
      if (node.name === WALK_KEY_NAME) await client.gql('hanbit-bank-admin', 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: node.id });
    }
    const left = await client.ok('platform-admin', '{ endpoints(state: active, first: 100) { edges { node { institutionId } } } }');
    expect(
      (left.endpoints.edges as { node: { institutionId: string } }[]).filter(({ node }) => walkers.some((walker) => walker.id === node.institutionId)),
    ).toEqual([]);
    await controlPlane?.close();
  });

  it.each(['query', 'mutation'] as const)(
    '%s fields',
    async (kind) => {
      const root = (kind === 'query' ? schema.getQueryType() : schema.getMutationType()) as GraphQLObjectType;
      const fields = Object.values(root.getFields()).filter((field) => field.args.length > 0);
      expect(fields.length).toBeGreaterThan(5);
      const overrides = plausibleArguments(fixtures);
      const failures: string[] = [];
      let calls = 0;
      for (const field of fields) {
        const plausibleOf = (type: GraphQLInputType, name: string): unknown => {
          if (isNonNullType(type)) return plausibleOf(type.ofType, name);
          if (isListType(type)) return [plausibleOf(type.ofType, name)];
          if (isEnumType(type)) return type.getValues()[0].name;
          if (isInputObjectType(type)) {
            const value: Record<string, unknown> = {};
            for (const inner of Object.values(type.getFields())) if (isNonNullType(inner.type)) value[inner.name] = plausibleOf(inner.type, inner.name);
            return value;
          }
          const leaf: Record<string, unknown> = {
            ID: plausibleId(field.name, name, fixtures),
            Int: 1,
            Float: 1,
            Boolean: true,
            DateTime: '2026-01-01T00:00:00Z',
          };
          return leaf[type.name] ?? (/json$/i.test(name) ? '{}' : 'plausible reason');
        };
        const base: Record<string, unknown> = {};
        for (const arg of field.args) {
          const override = overrides[`${field.name}.${arg.name}`];
          if (override !== undefined) base[arg.name] = override;
          else if (isNonNullType(arg.type)) base[arg.name] = plausibleOf(arg.type, arg.name);
        }
        const query = operationFor(kind, field);
        // Each field as each caller the guard lets in: a platform admin's cross-tenant paths and a
        // tenant admin's own-institution paths (RLS, API keys) differ.
        let walked = false;
        for (const caller of CALLERS) {
          const token = await client.token(caller);
          const probe = await graphqlRequest(controlPlane.url, query, { token, variables: base });
          if (probe.errors?.some((error) => error.extensions?.reason === 'ROLE_REQUIRED')) continue;
          walked = true;
          for (const arg of field.args) {
            for (const variation of variationsOf(arg.type, base[arg.name] ?? plausibleOf(arg.type, arg.name), arg.name, plausibleOf)) {
              calls++;
              const response = await graphqlRequest(controlPlane.url, query, { token, variables: { ...base, [arg.name]: variation.value } });
              const codes = (response.errors ?? []).map((error) => error.extensions?.code);
              const reason = response.errors?.[0]?.extensions?.reason;
              const where = `${caller}: ${field.name}(${variation.at}: ${describeValue(variation.leaf)})`;
              if (response.status >= 500 || codes.includes('INTERNAL_SERVER_ERROR')) failures.push(`${where} → HTTP ${response.status} ${codes.join(',')}`);
              else if (variation.refused && (!isClientRefusal(response.status, codes[0]) || !reason))
                failures.push(`${where} → ${codes.join(',') || 'accepted'} ${reason ?? ''}, expected BAD_USER_INPUT with a reason`);
            }
          }
        }
        if (!walked) failures.push(`${field.name}: no caller may call it`);
      }
      expect(calls).toBeGreaterThan(fields.length * 10);
      expect(failures).toEqual([]);
    },
    600_000,
  );
});
