import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
import { isDomainError } from '@ai-commons/core';
import { AUTHORIZATION_REFUSAL_LISTENER, type AuthorizationRefusalListener } from './authorization-refusal';
import { refusedTargetOf } from './refused-target';
import { requestOf } from './request-of';

/**
 * Reports a FORBIDDEN domain error raised by a resolver or controller (WRONG_INSTITUTION,
 * TENANT_SCOPE_REQUIRED…) to the refusal listener, with the same target as the guard's reports.
 * An interceptor wraps only the handler, after the guards: the guard's own role refusals and failed
 * authentication never pass through here, so each refusal is reported exactly once. The handler's
 * transaction has already rolled back when the error arrives; the listener writes outside it.
 */
@Injectable()
export class ServiceRefusalInterceptor implements NestInterceptor {
  constructor(@Inject(AUTHORIZATION_REFUSAL_LISTENER) private readonly onRefused: AuthorizationRefusalListener) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(tap({ error: (error: unknown) => this.report(context, error) }));
  }

  private report(context: ExecutionContext, error: unknown): void {
    if (!isDomainError(error) || error.kind !== 'forbidden') return;
    const authentication = requestOf(context).authentication;
    // Public handlers run without a principal: a refusal there has no caller to attribute.
    if (authentication?.status !== 'authenticated') return;
    this.onRefused({ principal: authentication.principal, reason: error.code, module: error.module, target: refusedTargetOf(context) });
  }
}
