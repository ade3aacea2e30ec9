import 'reflect-metadata';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of, throwError } from 'rxjs';
import { DomainError, type Principal } from '@ai-commons/core';
import { AuthError } from './auth-errors';
import type { AuthenticationResult } from './authenticator';
import type { AuthorizationRefusal } from './authorization-refusal';
import { ServiceRefusalInterceptor } from './service-refusal.interceptor';

class AuditError extends DomainError {
  readonly module = 'audit';
}

const admin: Principal = { subject: 'u1', username: 'admin', roles: ['tenant-admin'], authMethod: 'keycloak-user', clientId: 'cli', institutionId: 'i1' };

/** A REST call with `authentication`, as the guard let it through. */
function httpCall(authentication: AuthenticationResult): ExecutionContext {
  const request = { method: 'GET', originalUrl: '/audit/export?institutionId=i2', headers: {}, authentication };
  return { getType: () => 'http', switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}
const failingWith = (error: unknown): CallHandler => ({ handle: () => throwError(() => error) });

describe('ServiceRefusalInterceptor', () => {
  const refusals: AuthorizationRefusal[] = [];
  const interceptor = new ServiceRefusalInterceptor((refusal) => refusals.push(refusal));
  beforeEach(() => (refusals.length = 0));

  it("reports a service's FORBIDDEN error once, with its code, module and route, and passes the error on", async () => {
    const refused = new AuditError('WRONG_INSTITUTION', 'not yours', 'forbidden');
    await expect(lastValueFrom(interceptor.intercept(httpCall({ status: 'authenticated', principal: admin }), failingWith(refused)))).rejects.toBe(refused);
    expect(refusals).toEqual([
      { principal: admin, reason: 'WRONG_INSTITUTION', module: 'audit', target: { kind: 'http-route', method: 'GET', path: '/audit/export' } },
    ]);
  });

  it('ignores other errors, successes and callers without a principal', async () => {
    const call = httpCall({ status: 'authenticated', principal: admin });
    await expect(lastValueFrom(interceptor.intercept(call, failingWith(new AuditError('NOT_FOUND', 'gone', 'not-found'))))).rejects.toThrow('gone');
    await expect(lastValueFrom(interceptor.intercept(call, failingWith(new Error('boom'))))).rejects.toThrow('boom');
    expect(await lastValueFrom(interceptor.intercept(call, { handle: () => of('ok') }))).toBe('ok');
    const forbidden = AuthError.forbidden('WRONG_INSTITUTION', 'no');
    await expect(lastValueFrom(interceptor.intercept(httpCall({ status: 'anonymous' }), failingWith(forbidden)))).rejects.toBe(forbidden);
    expect(refusals).toEqual([]);
  });
});
