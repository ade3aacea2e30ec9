import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { gaugeFrom } from '@ai-commons/observability';

interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** The service's database pool by state (total, idle, waiting for a connection), read when scraped. */
export function registerDatabasePoolGauge(registry: Registry, dataSource: DataSource): void {
  // TypeORM's postgres driver keeps its pg.Pool as `master`.
  const pool = () => (dataSource.driver as unknown as { master?: PgPoolCounts }).master;
  gaugeFrom(
    registry,
    'ai_commons_db_pool_connections',
    'Database pool connections by state',
    () => {
      const current = pool();
      return current
        ? [
            { labels: { state: 'total' }, value: current.totalCount },
            { labels: { state: 'idle' }, value: current.idleCount },
            { labels: { state: 'waiting' }, value: current.waitingCount },
          ]
        : [];
    },
    ['state'],
  );
}
