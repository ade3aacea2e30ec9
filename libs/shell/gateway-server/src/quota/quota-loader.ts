import { Client } from 'pg';
import { RequestContext } from '@ai-commons/core';
import type { TenantDatabase } from '@ai-commons/database';
import type { JsonLogger } from '@ai-commons/observability';
import { admissionPolicyFor, loadPoolDefinitions } from '@ai-commons/quota';
import type { AdmissionOptions } from '@ai-commons/quota-allocator';
import { QuotaTable, type PoolRuntime } from './quota-table';

const LOAD_SCOPE = { kind: 'cross-tenant', access: 'system', reason: 'gateway quota pools' } as const;

/**
 * Keeps the pools' admission policies in memory, like the routing loader: a LISTEN on
 * `ai_commons_changes` (the quota tables and institutions notify) triggers a debounced reload, a
 * periodic reload is the safety net, a failed reload keeps the last good table. No database round
 * trip happens on the request path.
 */
export class QuotaLoader {
  private current?: QuotaTable;
  private listener?: Client;
  private refreshTimer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private reloading?: Promise<void>;
  private pendingReload = false;
  private closed = false;
  /** Incremented on every successful reload (tests wait for it). */
  generation = 0;

  constructor(
    private readonly db: TenantDatabase,
    private readonly listenUrl: string,
    private readonly refreshMs: number,
    private readonly options: AdmissionOptions,
    private readonly logger: JsonLogger,
  ) {}

  table(): QuotaTable | undefined {
    return this.current;
  }

  async start(): Promise<void> {
    await this.reload();
    await this.listen();
    this.refreshTimer = setInterval(() => void this.reload().catch(() => undefined), this.refreshMs);
    this.refreshTimer.unref();
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearInterval(this.refreshTimer);
    clearTimeout(this.debounce);
    await this.listener?.end().catch(() => undefined);
    await this.reloading?.catch(() => undefined);
  }

  reload(): Promise<void> {
    if (this.reloading) {
      this.pendingReload = true;
      return this.reloading;
    }
    this.reloading = this.load()
      .then((table) => {
        this.current = table;
        this.generation++;
        for (const pool of table.invalid) this.logger.event('error', 'quota.pool_invalid', { poolId: pool.id, name: pool.name, issues: pool.issues });
        this.logger.event('debug', 'quota.reloaded', { pools: table.pools.length });
      })
      .catch((error: unknown) => {
        this.logger.event('error', 'quota.reload_failed', { error: (error as Error).message });
        throw error;
      })
      .finally(() => {
        this.reloading = undefined;
        if (this.pendingReload && !this.closed) {
          this.pendingReload = false;
          void this.reload().catch(() => undefined);
        }
      });
    return this.reloading;
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.listenUrl });
    client.on('notification', (message) => {
      const table = (JSON.parse(message.payload ?? '{}') as { table?: string }).table ?? '';
      if (!/^(quota_|institutions$|endpoints$)/.test(table)) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.reload().catch(() => undefined), 20);
    });
    client.on('error', (error) => {
      this.logger.event('warn', 'quota.listen_lost', { error: error.message });
      this.listener = undefined;
      client.end().catch(() => undefined);
      setTimeout(() => void this.listen().then(() => this.reload()).catch(() => undefined), 1_000).unref();
    });
    try {
      await client.connect();
      await client.query('listen ai_commons_changes');
      this.listener = client;
    } catch (error) {
      this.logger.event('warn', 'quota.listen_failed', { error: (error as Error).message });
      setTimeout(() => void this.listen().then(() => this.reload()).catch(() => undefined), 2_000).unref();
    }
  }

  private load(): Promise<QuotaTable> {
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
        return new QuotaTable(pools, endpointPools, invalid);
      }),
    );
  }
}
