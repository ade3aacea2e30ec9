import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { RefusedTarget } from './authorization-refusal';

// The operation name is chosen by the caller: keep enough to recognise it, never an unbounded string.
const MAX_OPERATION_NAME = 100;

/** The field or route a guard is deciding on, as an audit record names it. */
export function refusedTargetOf(context: ExecutionContext): RefusedTarget {
  if (context.getType<string>() === 'graphql') {
    const info = GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>();
    return {
      kind: 'graphql-field',
      coordinate: `${info.parentType.name}.${info.fieldName}`,
      operationType: info.operation.operation,
      operationName: info.operation.name?.value.slice(0, MAX_OPERATION_NAME) ?? null,
    };
  }
  const request = context.switchToHttp().getRequest<{ method: string; originalUrl: string }>();
  // Without the query string: it may carry values that do not belong in the log.
  return { kind: 'http-route', method: request.method, path: request.originalUrl.split('?')[0] };
}
