import type { AdmissionPolicy, ConfigIssue } from '@ai-commons/quota-allocator';

export interface PoolRuntime {
  id: string;
  name: string;
  policy: AdmissionPolicy;
}

/** Every enforced pool and which endpoint draws on which pool; swapped as a whole on reload. */
export class QuotaTable {
  private readonly byEndpoint = new Map<string, PoolRuntime>();

  constructor(
    readonly pools: PoolRuntime[],
    endpointPools: { endpointId: string; poolId: string }[],
    /** Pools left unenforced because their stored configuration is not valid (should not happen: the control plane validates). */
    readonly invalid: { id: string; name: string; issues: ConfigIssue[] }[] = [],
  ) {
    const byId = new Map(pools.map((pool) => [pool.id, pool]));
    for (const { endpointId, poolId } of endpointPools) {
      const pool = byId.get(poolId);
      if (pool) this.byEndpoint.set(endpointId, pool);
    }
  }

  poolForEndpoint(endpointId: string): PoolRuntime | undefined {
    return this.byEndpoint.get(endpointId);
  }

  pool(idOrName: string): PoolRuntime | undefined {
    return this.pools.find((pool) => pool.id === idOrName || pool.name === idOrName);
  }
}

export const EMPTY_QUOTA_TABLE = new QuotaTable([], []);
