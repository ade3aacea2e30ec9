import { GraphQLScalarType, Kind } from 'graphql';
import { GraphQLInputError } from '../graphql-errors';
import { parseDateTime } from './input-rules';

const parse = (value: unknown): Date => {
  const parsed = typeof value === 'string' ? parseDateTime(value) : 'INVALID_DATE';
  if (parsed instanceof Date) return parsed;
  throw new GraphQLInputError(
    parsed,
    parsed === 'DATE_OUT_OF_RANGE' ? 'The date must lie between 0001-01-01 and 9999-12-31 (UTC)' : 'Not an ISO 8601 date-time, e.g. 2026-01-31T09:00:00Z',
  );
};

/**
 * `DateTime`, the schema's one date scalar (in place of Nest's, which turns any text into a
 * `Date`, invalid ones included, and makes non-string literals null). A malformed or
 * out-of-range value is a BAD_USER_INPUT (`INVALID_DATE`, `DATE_OUT_OF_RANGE`) before execution.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO 8601 date-time between 0001-01-01 and 9999-12-31 (UTC), e.g. 2026-01-31T09:00:00Z',
  // As Nest's scalar did: output is always a Date from the services.
  serialize: (value) => (value instanceof Date ? value.toISOString() : (null as unknown as string)),
  parseValue: parse,
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
});
