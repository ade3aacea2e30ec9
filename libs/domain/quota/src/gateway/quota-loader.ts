import { RequestContext } from '@ai-commons/core';
import { CHANGES_CHANNEL, NotifiedReloader, changedTable, postgresChangeListener, type TenantDatabase } from '@ai-commons/database';
import type { JsonLogger } from '@ai-commons/observability';
import { admissionPolicyFor, loadPoolDefinitions } from '../config/quota-pool-definition';
import type { AdmissionOptions } from '@ai-commons/quota-allocator';
import { QuotaTable, type PoolRuntime } from './quota-table';

const LOAD_SCOPE = { kind: 'cross-tenant', access: 'system', reason: 'gateway quota pools' } as const;

/** Tables whose changes alter the pools' admission policies. */
const QUOTA_TABLES = /^(quota_|institutions$|endpoints$)/;

/**
 * Keeps the pools' admission policies in memory, like the routing loader: a LISTEN on
 * `ai_commons_changes` (the quota tables and institutions notify) triggers a debounced reload, a
 * periodic reload is the safety net, a failed reload keeps the last good table. No database round
 * trip happens on the request path.
 */
export class QuotaLoader extends NotifiedReloader<QuotaTable> {
  constructor(
    private readonly db: TenantDatabase,
    listenUrl: string,
    refreshMs: number,
    private readonly options: AdmissionOptions,
    private readonly logger: JsonLogger,
  ) {
    super({
      name: 'quota',
      listen: postgresChangeListener(listenUrl, CHANGES_CHANNEL),
      concerns: (payload) => QUOTA_TABLES.test(changedTable(payload) ?? ''),
      describe: (table) => ({ pools: table.pools.length }),
      refreshMs,
      logger,
    });
  }

  /** The pools' admission policies; undefined until loaded. */
  table(): QuotaTable | undefined {
    return this.current();
  }

  protected load(): Promise<QuotaTable> {
    return RequestContext.run({ requestId: 'quota-load', tenantScope: LOAD_SCOPE }, () =>
      this.db.transaction(async (tx) => {
        const definitions = await loadPoolDefinitions(tx);
        const pools: PoolRuntime[] = [];
        const invalid: { id: string; name: string; issues: never[] }[] = [];
        const endpointPools: { endpointId: string; poolId: string }[] = [];
        for (const definition of definitions) {
          const built = admissionPolicyFor(definition, this.options);
          if (!built.policy) {
            invalid.push({ id: definition.id, name: definition.name, issues: built.issues as never[] });
            continue;
          }
          pools.push({ id: definition.id, name: definition.name, policy: built.policy });
          for (const endpoint of definition.endpoints) endpointPools.push({ endpointId: endpoint.endpointId, poolId: definition.id });
        }
        for (const pool of invalid) this.logger.event('error', 'quota.pool_invalid', { poolId: pool.id, name: pool.name, issues: pool.issues });
        return new QuotaTable(pools, endpointPools, invalid);
      }),
    );
  }
}
