import { RequestContext } from '@ai-commons/core';
import { CHANGES_CHANNEL, NotifiedReloader, changedTable, postgresChangeListener, type TenantDatabase } from '@ai-commons/database';
import type { JsonLogger } from '@ai-commons/observability';
import type { EnforcedUseCase } from '../use-case-enforcement';
import type { EnforcementMode, UseCaseState } from '../use-case.model';

const LOAD_SCOPE = { kind: 'cross-tenant', access: 'system', reason: 'gateway use-case register' } as const;
const WATCHED_TABLES = new Set(['use_cases', 'use_case_versions', 'service_account_use_cases', 'api_keys', 'institutions']);

/** The register as the gateway enforces it: every lookup a request needs is one Map get. */
export interface UseCaseSnapshot {
  useCases: ReadonlyMap<string, EnforcedUseCase>;
  /** API key id → use case id (keys bound to none are absent). */
  apiKeyUseCases: ReadonlyMap<string, string>;
  /** `${tenantId} ${clientId}` → use case id: service accounts (and other token clients) bound per institution. */
  clientUseCases: ReadonlyMap<string, string>;
  /** Institution id → enforcement mode; an institution missing here is enforced (fail closed). */
  modes: ReadonlyMap<string, EnforcementMode>;
  loadedAt: Date;
}

export function clientKey(tenantId: string, clientId: string): string {
  return `${tenantId} ${clientId}`;
}

const EMPTY: UseCaseSnapshot = { useCases: new Map(), apiKeyUseCases: new Map(), clientUseCases: new Map(), modes: new Map(), loadedAt: new Date(0) };

/**
 * The use-case register in gateway memory, beside the routing table: loaded in the platform's
 * `system` scope, reloaded when the database notifies a change of the register, the keys or the
 * institutions (debounced, ~20 ms: a suspension takes effect well within a second), and
 * periodically as a safety net. Only the serving (approved) version's endpoints and ceiling are held.
 */
export class UseCaseStore extends NotifiedReloader<UseCaseSnapshot> {
  constructor(
    private readonly db: TenantDatabase,
    listenUrl: string,
    refreshMs: number,
    logger: JsonLogger,
  ) {
    super({
      name: 'use-cases',
      listen: postgresChangeListener(listenUrl, CHANGES_CHANNEL),
      concerns: (payload) => {
        const table = changedTable(payload);
        return table === undefined || WATCHED_TABLES.has(table);
      },
      describe: (snapshot) => ({ useCases: snapshot.useCases.size, apiKeys: snapshot.apiKeyUseCases.size, clients: snapshot.clientUseCases.size }),
      refreshMs,
      logger,
    });
  }

  snapshot(): UseCaseSnapshot {
    return this.current() ?? EMPTY;
  }

  protected load(): Promise<UseCaseSnapshot> {
    return RequestContext.run({ requestId: 'use-case-load', tenantScope: LOAD_SCOPE }, () =>
      this.db.transaction(async (tx) => {
        const useCaseRows: {
          id: string;
          tenant_id: string;
          state: UseCaseState;
          valid_until: Date | null;
          endpoint_ids: string[] | null;
          ceiling: string | null;
        }[] = await tx.query(`
            select u.id, u.tenant_id, u.state, u.valid_until, v.endpoint_ids, v.data_classification_ceiling as ceiling
            from use_cases u
            left join use_case_versions v on v.tenant_id = u.tenant_id and v.use_case_id = u.id and v.version = u.serving_version`);
        const keyRows: { id: string; use_case_id: string }[] = await tx.query(
          `select id, use_case_id from api_keys where use_case_id is not null and revoked_at is null and (expires_at is null or expires_at > now())`,
        );
        const clientRows: { tenant_id: string; client_id: string; use_case_id: string }[] = await tx.query(
          'select tenant_id, client_id, use_case_id from service_account_use_cases',
        );
        const modeRows: { id: string; mode: EnforcementMode }[] = await tx.query('select id, use_case_enforcement as mode from institutions');
        const useCases = new Map<string, EnforcedUseCase>();
        for (const row of useCaseRows) {
          useCases.set(row.id, {
            id: row.id,
            tenantId: row.tenant_id,
            state: row.state,
            endpointIds: new Set(row.endpoint_ids ?? []),
            dataClassificationCeiling: row.ceiling ?? 'public',
            validUntil: row.valid_until,
          });
        }
        return {
          useCases,
          apiKeyUseCases: new Map(keyRows.map((row) => [row.id, row.use_case_id])),
          clientUseCases: new Map(clientRows.map((row) => [clientKey(row.tenant_id, row.client_id), row.use_case_id])),
          modes: new Map(modeRows.map((row) => [row.id, row.mode])),
          loadedAt: new Date(),
        };
      }),
    );
  }
}

/** The register's readiness check: `up`, or `stale` once its reloads have failed for longer than `staleAfterMs`. */
export function useCaseReadiness(
  store: UseCaseStore,
  staleAfterMs: number,
): { status: 'up' | 'down' | 'stale'; useCases?: number; reloadsFailingForMs?: number } {
  const snapshot = store.current();
  if (!snapshot) return { status: 'down' };
  const failingForMs = store.failingForMs();
  return {
    status: failingForMs < staleAfterMs ? 'up' : 'stale',
    useCases: snapshot.useCases.size,
    ...(failingForMs ? { reloadsFailingForMs: failingForMs } : {}),
  };
}
