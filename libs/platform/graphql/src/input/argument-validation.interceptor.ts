import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Observable } from 'rxjs';
import { validateFieldArguments } from './argument-validation';

/**
 * Validates the arguments of every Query and Mutation field against the API's input rules
 * (validateArgumentValue) before the resolver and its service run. An interceptor runs after the
 * auth guard: an anonymous caller still gets UNAUTHENTICATED, and a caller without the role still
 * gets FORBIDDEN (and its audit record), whatever the arguments.
 */
@Injectable()
export class ArgumentValidationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<GqlContextType>() === 'graphql') {
      const graphql = GqlExecutionContext.create(context);
      const info = graphql.getInfo<GraphQLResolveInfo>();
      const field = info.parentType.getFields()[info.fieldName];
      if (field) validateFieldArguments(field, graphql.getArgs<Record<string, unknown>>());
    }
    return next.handle();
  }
}
