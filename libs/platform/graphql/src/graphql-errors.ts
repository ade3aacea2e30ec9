import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError, type ErrorKind } from '@ai-commons/core';
import type { GraphQLLimitRefusal } from './request-limits';

export class GraphQLLimitError extends DomainError {
  readonly module = 'graphql';
}

/** A malformed argument, refused at the edge before any resolver runs (always `bad-input`). */
export class GraphQLInputError extends DomainError {
  readonly module = 'graphql';

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, 'bad-input', details);
  }
}

/** The one place where module exceptions become GraphQL error codes. */
export const GRAPHQL_CODE_BY_KIND: Record<ErrorKind, string> = {
  'bad-input': 'BAD_USER_INPUT',
  'not-found': 'NOT_FOUND',
  conflict: 'CONFLICT',
  forbidden: 'FORBIDDEN',
  unauthenticated: 'UNAUTHENTICATED',
  unavailable: 'SERVICE_UNAVAILABLE',
  internal: 'INTERNAL_SERVER_ERROR',
};

/**
 * The answer to a request over a limit (HTTP 400): `code` and `reason` are both the limit's code
 * (`MAX_COST_EXCEEDED`…), with the limit and the measured value.
 */
export function limitRefusalError({ code, message, limit, actual }: GraphQLLimitRefusal): GraphQLFormattedError {
  return { message, extensions: { code, reason: code, limit, actual } };
}

/**
 * graphql-js's messages for a value that does not fit its argument's type: from variable coercion
 * (Apollo's BAD_USER_INPUT without a reason) and from literal validation (ValuesOfCorrectTypeRule,
 * ProvidedRequiredArgumentsRule: GRAPHQL_VALIDATION_FAILED).
 */
const VALUE_ERROR =
  /^(Variable "\$[^"]+" (got invalid value|of required type|of non-null type)|Expected value of type|Enum "[^"]+" cannot represent|Value "[^"]*" does not exist in "[^"]+" enum|Field "[^"]+" of required type|Field "[^"]+" is not defined by type|Argument "[^"]+" of (required|non-null) type|(Int|Float|String|Boolean|ID) cannot represent)/;

function isValueError(formatted: GraphQLFormattedError): boolean {
  const code = formatted.extensions?.code;
  if (code === 'BAD_USER_INPUT') return formatted.extensions?.reason === undefined;
  return code === 'GRAPHQL_VALIDATION_FAILED' && formatted.extensions?.reason === undefined && VALUE_ERROR.test(formatted.message);
}

function originalOf(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 5 && current instanceof GraphQLError && current.originalError; i++) current = current.originalError;
  return current;
}

/**
 * Apollo `formatError`: domain errors keep their message and get `code` (GraphQL category),
 * `reason` (the module's specific code) and `module`; anything unexpected becomes an opaque
 * INTERNAL_SERVER_ERROR so internals never leak. Apollo's own codes (validation, parsing) pass.
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onUnexpected: (error: unknown) => void = () => undefined,
): GraphQLFormattedError {
  const original = originalOf(error);
  if (original instanceof DomainError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: GRAPHQL_CODE_BY_KIND[original.kind],
        reason: original.code,
        module: original.module,
        ...(original.details ? { details: original.details } : {}),
      },
    };
  }
  if (isValueError(formatted)) {
    // GraphQL's own coercion of an argument (wrong type, Int overflow, unknown enum value, missing
    // required field): the caller's malformed value, like the input rules' refusals.
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE' } };
  }
  const code = formatted.extensions?.code;
  if (code && code !== 'INTERNAL_SERVER_ERROR') {
    // Apollo's and our own limit errors: keep their extensions (code, reason…), never a stack trace.
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  onUnexpected(original);
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
