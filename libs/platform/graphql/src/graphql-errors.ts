import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError, type ErrorKind } from '@ai-commons/core';

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
