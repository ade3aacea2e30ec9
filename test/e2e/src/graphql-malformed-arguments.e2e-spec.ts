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
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { graphqlRequest, userToken } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { startControlPlane } from './support/environment';

/**
 * Walks every Query and Mutation root field of the live schema and calls it, as a platform admin,
 * with malformed values of every argument (and every input-object field), one at a time while
 * the other arguments hold plausible values. Whatever the answer, it must not be a 5xx or an
 * INTERNAL_SERVER_ERROR: a bad value is the caller's error.
 */

const cursor = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const deepJson = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

const MALFORMED_TEXT: unknown[] = [
  '',
  '\u0000',
  'name\u0000with nul',
  'bell\u0007 escape\u001b[31m',
  'lone \ud800 surrogate',
  'x'.repeat(200_000),
  `${'a'.repeat(200_000)}@example.com`,
  'a@'.repeat(50_000),
  '{}',
  '[]',
  'null',
  '{"a":',
  deepJson(5_000),
  '{"__proto__":{"polluted":true}}',
  12,
];
const MALFORMED_ID: unknown[] = [
  'not-a-uuid',
  '',
  '\u0000',
  '00000000-0000-0000-0000-00000000000g',
  '00000000-0000-0000-0000-000000000000\u0000',
  "' or 1=1 --",
  'x'.repeat(200_000),
  12345,
];
const MALFORMED_DATE: unknown[] = [
  'not-a-date',
  '',
  '\u0000',
  '2026-13-45T25:61:00Z',
  '-271821-04-20T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '0000-01-01T00:00:00Z',
  '-004714-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  1e20,
  -1,
];
const MALFORMED_INT: unknown[] = [-1, 0, -2147483648, 2147483647, 2147483648, 1.5, '1'];
const MALFORMED_FLOAT: unknown[] = [-1, 0, 0.5, -1e308, 1e308, 5e-324, 2 ** 53 + 2, '1'];
const MALFORMED_CURSOR: unknown[] = [
  'not a cursor!',
  cursor('[]'),
  cursor('{}'),
  cursor('[null]'),
  cursor('["x"]'),
  cursor('[1e400]'),
  cursor('["2026-01-01T00:00:00Z","not-a-uuid"]'),
  cursor('["not-a-date","00000000-0000-0000-0000-000000000000"]'),
  cursor('["\u0000","\u0000"]'),
  cursor('[{"a":1},[2],true]'),
  cursor(`[${'1,'.repeat(10_000)}1]`),
  cursor(deepJson(5_000)),
];
const MALFORMED_OBJECT: unknown[] = [{}, [], 'text', { unknownField: 1 }];

function plausibleValue(type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return plausibleValue(type.ofType, name);
  if (isListType(type)) return [plausibleValue(type.ofType, name)];
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type)) value[field.name] = plausibleValue(field.type, field.name);
    }
    return value;
  }
  switch (type.name) {
    case 'ID':
      return '5f0c5b8e-8d53-4b53-9d3c-3b1f5a0c0d01';
    case 'Int':
      return 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'DateTime':
      return '2026-01-01T00:00:00.000Z';
    default:
      return /json$/i.test(name) ? '{}' : 'plausible';
  }
}

function malformedValues(type: GraphQLInputType, name: string): unknown[] {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) {
    const item = nullable.ofType as GraphQLInputType;
    return [[], [null], ...malformedValues(item, name).map((value) => [value])];
  }
  if (isEnumType(nullable)) return ['NOT_A_VALUE', '', '\u0000'];
  if (isInputObjectType(nullable)) return MALFORMED_OBJECT;
  if (name === 'after') return MALFORMED_CURSOR;
  switch (nullable.name) {
    case 'ID':
      return MALFORMED_ID;
    case 'Int':
      return MALFORMED_INT;
    case 'Float':
      return MALFORMED_FLOAT;
    case 'Boolean':
      return ['true', 0];
    case 'DateTime':
      return MALFORMED_DATE;
    default:
      return MALFORMED_TEXT;
  }
}

interface Variation {
  /** Where the malformed value went, e.g. `filter.from`. */
  at: string;
  value: unknown;
  args: Record<string, unknown>;
}

/** One variation per malformed value of every argument and of every field of an input-object argument. */
function* variations(field: GraphQLField<unknown, unknown>): Generator<Variation> {
  const base: Record<string, unknown> = {};
  for (const arg of field.args) base[arg.name] = plausibleValue(arg.type, arg.name);
  for (const arg of field.args) {
    for (const value of malformedValues(arg.type, arg.name)) yield { at: arg.name, value, args: { ...base, [arg.name]: value } };
    const named = getNamedType(arg.type);
    if (!isInputObjectType(named)) continue;
    const plausible = plausibleValue(named, arg.name) as Record<string, unknown>;
    for (const inner of Object.values(named.getFields())) {
      for (const value of malformedValues(inner.type, inner.name)) {
        const object = { ...plausible, [inner.name]: value };
        yield { at: `${arg.name}.${inner.name}`, value, args: { ...base, [arg.name]: isListType(getNullableType(arg.type)) ? [object] : object } };
      }
    }
  }
}

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const declarations = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const passing = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind}${declarations ? `(${declarations})` : ''} { ${field.name}${passing ? `(${passing})` : ''}${selection} }`;
}

const describeValue = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}… (${text.length} chars)` : text;
};

describe('every root field refuses malformed arguments without a server error', () => {
  let controlPlane: ControlPlane;
  let token: string;
  let schema: GraphQLSchema;

  beforeAll(async () => {
    controlPlane = await startControlPlane({ GRAPHQL_INTROSPECTION: 'true' });
    token = await userToken('platform-admin');
    const introspection = await graphqlRequest<IntrospectionQuery>(controlPlane.url, getIntrospectionQuery(), { token });
    schema = buildClientSchema(introspection.data!);
  });
  afterAll(() => controlPlane.close());

  it.each(['query', 'mutation'] as const)('%s fields', async (kind) => {
    const root = (kind === 'query' ? schema.getQueryType() : schema.getMutationType()) as GraphQLObjectType;
    const fields = Object.values(root.getFields()).filter((field) => field.args.length > 0);
    expect(fields.length).toBeGreaterThan(5);
    const failures: string[] = [];
    let calls = 0;
    for (const field of fields) {
      const query = operationFor(kind, field);
      if (process.env.WALK_DEBUG) {
        const base: Record<string, unknown> = {};
        for (const arg of field.args) base[arg.name] = plausibleValue(arg.type, arg.name);
        const r = await graphqlRequest(controlPlane.url, query, { token, variables: base });
        console.log(field.name, JSON.stringify(base).slice(0, 300), r.status, JSON.stringify(r.errors?.map((e) => [e.extensions?.code, e.extensions?.reason, e.message.slice(0, 120)])));
      }
      for (const variation of variations(field)) {
        calls++;
        const response = await graphqlRequest(controlPlane.url, query, { token, variables: variation.args });
        const internal = response.errors?.find((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR');
        if (response.status >= 500 || internal) {
          failures.push(`${field.name}(${variation.at}: ${describeValue(variation.value)}) → HTTP ${response.status} ${internal?.extensions?.code ?? ''}`);
        }
      }
    }
    expect(calls).toBeGreaterThan(fields.length);
    expect(failures).toEqual([]);
  }, 600_000);
});
