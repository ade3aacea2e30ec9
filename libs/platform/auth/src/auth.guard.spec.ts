import 'reflect-metadata';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '@ai-commons/core';
import { AuthError } from './auth-errors';
import type { AuthenticationResult } from './authenticator';
import { AuthGuard } from './auth.guard';
import type { AuthorizationRefusal } from './authorization-refusal';
import { Authenticated, Roles } from './decorators';

const analyst: Principal = { subject: 'u1', username: 'analyst', roles: ['tenant-member'], authMethod: 'keycloak-user', clientId: 'cli', institutionId: 'i1' };

class ExportController {
  @Roles('tenant-admin', 'regulator')
  export(): void {}

  open(): void {}

  @Authenticated()
  signedIn(): void {}
}

/** A REST call to `handler` by a request with `authentication`. */
function httpCall(handler: keyof ExportController, authentication: AuthenticationResult): ExecutionContext {
  const request = { method: 'GET', originalUrl: '/audit/export?institutionId=i1', headers: {}, authentication };
  return {
    getType: () => 'http',
    getHandler: () => ExportController.prototype[handler],
    getClass: () => ExportController,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('AuthGuard refusal reporting', () => {
  const refusals: AuthorizationRefusal[] = [];
  const guard = new AuthGuard(new Reflector(), (refusal) => refusals.push(refusal));
  beforeEach(() => (refusals.length = 0));

  it('reports a missing role once, with the route, before refusing', () => {
    expect(() => guard.canActivate(httpCall('export', { status: 'authenticated', principal: analyst }))).toThrow(
      expect.objectContaining({ code: 'ROLE_REQUIRED', kind: 'forbidden' }),
    );
    expect(refusals).toEqual([
      {
        principal: analyst,
        reason: 'ROLE_REQUIRED',
        required: ['tenant-admin', 'regulator'],
        target: { kind: 'http-route', method: 'GET', path: '/audit/export' },
      },
    ]);
  });

  it('reports nothing when the role is held or none is required', () => {
    expect(guard.canActivate(httpCall('export', { status: 'authenticated', principal: { ...analyst, roles: ['regulator'] } }))).toBe(true);
    expect(guard.canActivate(httpCall('open', { status: 'authenticated', principal: analyst }))).toBe(true);
    expect(refusals).toEqual([]);
  });

  it('@Authenticated() admits any signed-in caller, even without an ai-commons role, like no decorator', () => {
    const roleless = { ...analyst, roles: [] };
    expect(guard.canActivate(httpCall('signedIn', { status: 'authenticated', principal: roleless }))).toBe(true);
    expect(guard.canActivate(httpCall('open', { status: 'authenticated', principal: roleless }))).toBe(true);
    expect(() => guard.canActivate(httpCall('signedIn', { status: 'anonymous' }))).toThrow(expect.objectContaining({ code: 'TOKEN_MISSING' }));
    expect(refusals).toEqual([]);
  });

  it('leaves failed and missing authentication to their own records', () => {
    const failed = AuthError.forbidden('INSTITUTION_NOT_ACTIVE', 'suspended');
    expect(() => guard.canActivate(httpCall('export', { status: 'failed', error: failed }))).toThrow(failed);
    expect(() => guard.canActivate(httpCall('export', { status: 'anonymous' }))).toThrow(expect.objectContaining({ code: 'TOKEN_MISSING' }));
    expect(refusals).toEqual([]);
  });
});
