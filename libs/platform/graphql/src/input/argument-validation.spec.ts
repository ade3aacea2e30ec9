import { buildSchema, graphql, GraphQLSchema, type GraphQLField } from 'graphql';
import { GraphQLInputError } from '../graphql-errors';
import { validateFieldArguments, validateNestedArgumentsAtTheEdge } from './argument-validation';
import { DateTimeScalar } from './date-time.scalar';
import { MAX_LIST_ITEMS } from './input-rules';

const schema = buildSchema(`
  scalar DateTime
  input Member { institutionId: ID!, budget: Float, since: DateTime, notes: [String!] }
  input Change { name: String, members: [Member!] }
  type Institution { id: ID!, history(after: String, first: Int): [String!]! }
  type Query { institution(id: ID!): Institution, report(from: DateTime!, poolId: ID): String }
  type Mutation { change(id: ID!, input: Change!): String, publish(documentJson: String!): String }
`);
const field = (type: 'Query' | 'Mutation', name: string) =>
  (schema.getType(type) as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[name];
const uuid = '5f0c5b8e-8d53-4b53-9d3c-3b1f5a0c0d01';

function refusal(run: () => void): { code: string; details?: Record<string, unknown> } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLInputError);
    return { code: (error as GraphQLInputError).code, details: (error as GraphQLInputError).details };
  }
}

describe('validateFieldArguments', () => {
  const change = (input: unknown, id = uuid) => refusal(() => validateFieldArguments(field('Mutation', 'change'), { id, input }));

  it('accepts plausible values', () => {
    expect(
      change({ name: '한빛 Bank', members: [{ institutionId: uuid, budget: 1000, since: new Date('2026-01-01T00:00:00Z'), notes: ['a\tb\nc'] }] }),
    ).toBeUndefined();
  });

  it('names the argument path of the first problem', () => {
    expect(change({}, 'not-a-uuid')).toEqual({ code: 'INVALID_ID', details: { argument: 'id' } });
    expect(change({ name: 'a\u0000b' })).toEqual({ code: 'INVALID_TEXT', details: { argument: 'input.name' } });
    expect(change({ members: [{ institutionId: uuid }, { institutionId: 'x' }] })).toEqual({
      code: 'INVALID_ID',
      details: { argument: 'input.members[1].institutionId' },
    });
    expect(change({ members: [{ institutionId: uuid, budget: 1e308 }] })).toEqual({
      code: 'NUMBER_OUT_OF_RANGE',
      details: { argument: 'input.members[0].budget' },
    });
    expect(change({ members: [{ institutionId: uuid, since: new Date(Number.NaN) }] })).toEqual({
      code: 'INVALID_DATE',
      details: { argument: 'input.members[0].since' },
    });
    expect(change({ members: [{ institutionId: uuid, notes: ['ok', 'x'.repeat(5_000)] }] })).toEqual({
      code: 'TEXT_TOO_LONG',
      details: { argument: 'input.members[0].notes[1]', max: 4_096 },
    });
  });

  it('bounds lists', () => {
    const members = Array.from({ length: MAX_LIST_ITEMS + 1 }, () => ({ institutionId: uuid }));
    expect(change({ members })?.code).toBe('TOO_MANY_ITEMS');
  });

  it('takes a larger text bound from the field extensions', () => {
    const publish = field('Mutation', 'publish');
    const document = 'x'.repeat(10_000);
    expect(refusal(() => validateFieldArguments(publish, { documentJson: document }))?.code).toBe('TEXT_TOO_LONG');
    const generous = { ...publish, extensions: { maxTextLength: 20_000 } } as GraphQLField<unknown, unknown>;
    expect(refusal(() => validateFieldArguments(generous, { documentJson: document }))).toBeUndefined();
  });
});

describe('validateNestedArgumentsAtTheEdge', () => {
  it('validates the arguments of fields below the root before their resolver runs', async () => {
    const resolved: unknown[] = [];
    const nested = new GraphQLSchema(schema.toConfig());
    const institution = nested.getType('Institution') as { getFields(): Record<string, GraphQLField<unknown, unknown>> };
    institution.getFields().history.resolve = (_source, args) => {
      resolved.push(args);
      return [];
    };
    validateNestedArgumentsAtTheEdge(nested);
    const query = (after: string) =>
      graphql({
        schema: nested,
        source: `query($after: String) { institution(id: "${uuid}") { history(after: $after) } }`,
        variableValues: { after },
        rootValue: { institution: {} },
      });
    expect((await query('fine')).errors).toBeUndefined();
    const refused = await query('bad\u0000');
    expect(refused.errors?.[0].originalError).toMatchObject({ code: 'INVALID_TEXT', details: { argument: 'after' } });
    expect(resolved).toEqual([{ after: 'fine' }]);
  });
});

describe('DateTimeScalar', () => {
  it('parses ISO 8601 strictly, from variables and literals, with the reason of a refusal', () => {
    expect(DateTimeScalar.parseValue('2026-01-31T09:00:00+09:00')).toEqual(new Date('2026-01-31T00:00:00Z'));
    expect(() => DateTimeScalar.parseValue('2026-02-30')).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }) as Error);
    expect(() => DateTimeScalar.parseValue(1_767_225_600_000)).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }) as Error);
    expect(() => DateTimeScalar.parseValue('+275760-09-13T00:00:00.000Z')).toThrow(expect.objectContaining({ code: 'DATE_OUT_OF_RANGE' }) as Error);
    expect(() => DateTimeScalar.parseLiteral({ kind: 'IntValue', value: '5' } as never)).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }) as Error);
    expect(DateTimeScalar.serialize(new Date('2026-01-31T00:00:00Z'))).toBe('2026-01-31T00:00:00.000Z');
  });
});
