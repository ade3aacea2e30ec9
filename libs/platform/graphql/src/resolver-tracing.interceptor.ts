import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { context, trace } from '@opentelemetry/api';
import type { GraphQLResolveInfo } from 'graphql';
import { Observable } from 'rxjs';
import { failed, type Tracing } from '@ai-commons/observability';

/**
 * A span per resolver call (`graphql.resolve Query.institutions`), with the resolver run inside it,
 * so that the SQL it issues nests under it. Names come from the schema (type and field), never from
 * the document. Registered only when tracing is on. Runs after the auth guard: a refused call has
 * no resolver span (its request span says 401/403).
 */
export class ResolverTracingInterceptor implements NestInterceptor {
  constructor(private readonly tracing: Tracing) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType<GqlContextType>() !== 'graphql') return next.handle();
    const info = GqlExecutionContext.create(execution).getInfo<GraphQLResolveInfo>();
    return new Observable((subscriber) => {
      const span = this.tracing.startSpan(`graphql.resolve ${info.parentType.name}.${info.fieldName}`, {
        'graphql.operation.type': info.operation.operation,
        'graphql.field.name': info.fieldName,
        'graphql.field.type': info.parentType.name,
      });
      // Not in a recorded trace (the request was not sampled): the resolver as it is.
      if (!span) return next.handle().subscribe(subscriber);
      let ended = false;
      const end = () => {
        if (!ended) span.end();
        ended = true;
      };
      // Nest binds the handler to the async context in which handle() is called: this one.
      const subscription = context.with(trace.setSpan(context.active(), span), () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            failed(span, error);
            end();
            subscriber.error(error);
          },
          complete: () => {
            end();
            subscriber.complete();
          },
        }),
      );
      return () => {
        subscription.unsubscribe();
        end();
      };
    });
  }
}
