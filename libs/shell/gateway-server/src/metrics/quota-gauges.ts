import type { Registry } from 'prom-client';
import { cachedReader, gaugeFrom } from '@ai-commons/observability';
import { poolStanding, type DimensionStanding, type PoolStanding, type QuotaLoader, type QuotaStore } from '@ai-commons/quota';
import { DIMENSIONS, type Dimension } from '@ai-commons/quota-allocator';
import type { RoutingTable } from '../routing/routing-table';

/** How long one read of the pools' states serves scrapes (a Redis round trip per pool). */
const STANDINGS_TTL_MS = 5_000;

const DIMENSION_LABEL: Record<Dimension, string> = {
  tokensPerMinute: 'tokens_per_minute',
  requestsPerMinute: 'requests_per_minute',
  concurrentRequests: 'concurrent_requests',
};

interface Standings {
  pools: { name: string; standing: PoolStanding }[];
  slug: (institutionId: string) => string;
}

/**
 * Per pool and institution: guarantee, in use, borrowed, lent and utilisation — the console's pool
 * chart — and per pool capacity and use, by dimension. Read from the quota store's state at scrape
 * time (one snapshot per pool, cached for a few seconds), never on the request path. Labels: the
 * pools and members of the quota table, institutions by the routing table's slug.
 */
export function registerQuotaGauges(registry: Registry, quota: { loader: QuotaLoader; store: QuotaStore }, table: () => RoutingTable): void {
  const standings = cachedReader<Standings | undefined>(
    STANDINGS_TTL_MS,
    async () => {
      const pools = quota.loader.table()?.pools ?? [];
      const nowMs = Date.now();
      const read = await Promise.all(
        pools.map(async (pool) => ({ name: pool.name, standing: poolStanding(pool.policy, await quota.store.snapshot(pool.id, pool.policy), nowMs) })),
      );
      const routing = table();
      return { pools: read, slug: (id) => routing.institution(id)?.slug ?? 'unknown' };
    },
    undefined,
  );
  const perMember = (value: (figure: DimensionStanding) => number | undefined) => async () => {
    const current = await standings();
    if (!current) return [];
    return current.pools.flatMap(({ name, standing }) =>
      [...standing.members].flatMap(([institutionId, figures]) =>
        DIMENSIONS.flatMap((dimension) => {
          const figure = value(figures[dimension]);
          return figure === undefined
            ? []
            : [{ labels: { pool: name, institution: current.slug(institutionId), dimension: DIMENSION_LABEL[dimension] }, value: figure }];
        }),
      ),
    );
  };
  const perPool = (value: (standing: PoolStanding, dimension: Dimension) => number | undefined) => async () => {
    const current = await standings();
    if (!current) return [];
    return current.pools.flatMap(({ name, standing }) =>
      DIMENSIONS.flatMap((dimension) => {
        const figure = value(standing, dimension);
        return figure === undefined ? [] : [{ labels: { pool: name, dimension: DIMENSION_LABEL[dimension] }, value: figure }];
      }),
    );
  };
  const memberLabels = ['pool', 'institution', 'dimension'];
  gaugeFrom(
    registry,
    'ai_commons_quota_guaranteed',
    "An institution's guarantee in a pool, per dimension",
    perMember((f) => f.guaranteed),
    memberLabels,
  );
  gaugeFrom(
    registry,
    'ai_commons_quota_in_use',
    'What admission charges an institution with now (last minute; leases held)',
    perMember((f) => f.inUse),
    memberLabels,
  );
  gaugeFrom(
    registry,
    'ai_commons_quota_borrowed',
    "Use above the institution's guarantee",
    perMember((f) => f.borrowed),
    memberLabels,
  );
  gaugeFrom(
    registry,
    'ai_commons_quota_lent',
    "Part of the institution's unused guarantee others are using",
    perMember((f) => f.lent),
    memberLabels,
  );
  gaugeFrom(
    registry,
    'ai_commons_quota_utilisation_ratio',
    'In use over guarantee (above 1: borrowing); absent for a zero guarantee',
    perMember((f) => (f.guaranteed > 0 ? f.inUse / f.guaranteed : undefined)),
    memberLabels,
  );
  gaugeFrom(
    registry,
    'ai_commons_quota_pool_capacity',
    "A pool's capacity, per dimension",
    perPool((s, d) => s.capacity[d]),
    ['pool', 'dimension'],
  );
  gaugeFrom(
    registry,
    'ai_commons_quota_pool_in_use',
    "A pool's use now, per dimension",
    perPool((s, d) => s.inUse[d]),
    ['pool', 'dimension'],
  );
  gaugeFrom(
    registry,
    'ai_commons_quota_pool_utilisation_ratio',
    "A pool's use over its capacity (saturation)",
    perPool((s, d) => (s.capacity[d] > 0 ? s.inUse[d] / s.capacity[d] : undefined)),
    ['pool', 'dimension'],
  );
}
