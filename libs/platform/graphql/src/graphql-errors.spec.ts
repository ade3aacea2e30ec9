import { buildSchema, GraphQLError, parse, validate } from 'graphql';
import { formatGraphQLError, GraphQLInputError } from './graphql-errors';

const schema = buildSchema(`
  enum Status { active }
  input Filter { from: String!, status: Status }
  type Query { list(first: Int, filter: Filter): [String] }
`);
const validationErrors = (source: string) =>
  validate(schema, parse(source)).map((error) => formatGraphQLError({ message: error.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, error));

describe('formatGraphQLError', () => {
  it.each([
    ['{ list(first: 99999999999) }'],
    ['{ list(first: "ten") }'],
    ['{ list(filter: { from: "x", status: bogus }) }'],
    ['{ list(filter: { from: "x", other: 1 }) }'],
    ['{ list(filter: {}) }'],
  ])('a value GraphQL cannot coerce is BAD_USER_INPUT / INVALID_VALUE: %s', (source) => {
    expect(validationErrors(source).map((error) => error.extensions)).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE' }]);
  });

  it('a variable Apollo could not coerce gets the reason too', () => {
    const formatted = formatGraphQLError(
      { message: 'Variable "$n" got invalid value "x"; Int cannot represent non-integer value: "x"', extensions: { code: 'BAD_USER_INPUT' } },
      new GraphQLError('x'),
    );
    expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE' });
  });

  it('other validation errors and limit refusals keep their code', () => {
    expect(validationErrors('{ unknown }').map((error) => error.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const limit = formatGraphQLError(
      { message: 'too deep', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'MAX_DEPTH_EXCEEDED' } },
      new GraphQLError('too deep'),
    );
    expect(limit.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'MAX_DEPTH_EXCEEDED' });
  });

  it('an input rule refusal raised inside a scalar keeps its own reason', () => {
    const error = new GraphQLError('Expected value of type "DateTime"', { originalError: new GraphQLInputError('INVALID_DATE', 'Not a date') });
    expect(formatGraphQLError({ message: error.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, error).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_DATE',
      module: 'graphql',
    });
  });
});
