import type { Registry } from 'prom-client';
import { cachedReader, gaugeFrom } from '@ai-commons/observability';
import type { TenantScopes } from '@ai-commons/database';

/** The count stops here: a backlog that large is an alert whatever its exact size, and the scan stays bounded. */
export const UNSEQUENCED_COUNT_CAP = 100_000;
/** How long one count serves scrapes. */
const BACKLOG_TTL_MS = 15_000;

/**
 * Audit events written but not yet sequenced into the Merkle log: those after the last leaf's
 * watermark (write_xid, seq), by the sequencer's own index (`audit_events_sequencing`), counted up
 * to UNSEQUENCED_COUNT_CAP. A database query, so read at scrape time and cached; one service
 * (the control plane) exports it — every process reads the same log.
 */
export function registerAuditBacklogGauge(registry: Registry, scopes: TenantScopes): void {
  const count = cachedReader<number | undefined>(
    BACKLOG_TTL_MS,
    () =>
      scopes.system('audit backlog metric', async (tx) => {
        const [row] = (await tx.query(
          `with last as (select event_xid, event_seq from audit_leaves order by leaf_index desc limit 1)
           select count(*)::float8 as unsequenced from (
             select 1 from audit_events e
              where not exists (select 1 from last)
                 or (e.write_xid, e.seq) > (select (event_xid, event_seq) from last)
              limit $1) backlog`,
          [UNSEQUENCED_COUNT_CAP],
        )) as { unsequenced: number }[];
        return row.unsequenced;
      }),
    undefined,
  );
  gaugeFrom(
    registry,
    'ai_commons_audit_events_unsequenced',
    `Audit events not yet sequenced into the log (counted up to ${UNSEQUENCED_COUNT_CAP})`,
    async () => {
      const value = await count();
      return value === undefined ? [] : [{ labels: {}, value }];
    },
  );
}
