import { AsyncLocalStorage } from 'node:async_hooks';
import { DomainError } from './domain-error';
import type { Principal } from './principal';
import type { TenantScope } from './tenant-scope';

/** Per-request state. Created once at the edge (HTTP middleware), filled in by authentication. */
export interface RequestContextState {
  requestId: string;
  /** The OpenTelemetry trace of the request, when tracing is on (log lines carry it). */
  traceId?: string;
  sourceAddress?: string;
  principal?: Principal;
  tenantScope?: TenantScope;
}

export class TenantContextMissingError extends DomainError {
  readonly module = 'core';
  constructor() {
    super('TENANT_CONTEXT_MISSING', 'No tenant context is set for this unit of work', 'internal');
  }
}

const storage = new AsyncLocalStorage<RequestContextState>();

/**
 * The one source of truth for "who is calling and which tenant's rows may be touched".
 * `requireTenantScope()` throws when missing: there is no default tenant.
 */
export const RequestContext = {
  run<T>(state: RequestContextState, fn: () => T): T {
    return storage.run(state, fn);
  },

  current(): RequestContextState | undefined {
    return storage.getStore();
  },

  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },

  principal(): Principal | undefined {
    return storage.getStore()?.principal;
  },

  requireTenantScope(): TenantScope {
    const scope = storage.getStore()?.tenantScope;
    if (!scope) throw new TenantContextMissingError();
    return scope;
  },

  /** Runs `fn` in a child context with another tenant scope (the parent is left untouched). */
  withTenantScope<T>(scope: TenantScope, fn: () => T): T {
    const parent = storage.getStore();
    return storage.run({ requestId: parent?.requestId ?? 'internal', ...parent, tenantScope: scope }, fn);
  },
};
