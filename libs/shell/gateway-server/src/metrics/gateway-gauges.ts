import type { Registry } from 'prom-client';
import { gaugeFrom } from '@ai-commons/observability';
import type { NotifiedReloader } from '@ai-commons/database';
import { registerAuditGauges, type AuditRuntime } from '@ai-commons/audit';
import type { QuotaLoader, UsageRecorder } from '@ai-commons/quota';
import type { RoutingTable } from '../routing/routing-table';
import type { Replicas } from '../upstream/replicas';

export interface GatewayGaugeSources {
  routing: NotifiedReloader<unknown>;
  policy: NotifiedReloader<unknown>;
  quota: QuotaLoader;
  audit: AuditRuntime;
  usage: UsageRecorder;
  replicas: Replicas;
  table: () => RoutingTable;
}

const BREAKER_STATE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Figures the gateway keeps anyway, read when Prometheus scrapes (nothing added to the request
 * path). Labels come from the loaded tables: institutions by slug, pools by name.
 */
export function registerGatewayGauges(registry: Registry, sources: GatewayGaugeSources): void {
  const reloaders = { routing: sources.routing, policy: sources.policy, quota: sources.quota } as const;
  const perTable = (read: (reloader: NotifiedReloader<unknown>) => number) => () =>
    Object.entries(reloaders).map(([table, reloader]) => ({ labels: { table }, value: read(reloader) }));
  gaugeFrom(
    registry,
    'ai_commons_gateway_reload_age_seconds',
    'Age of the routing/policy/quota snapshot in service',
    perTable((r) => (r.loadedAgoMs() ?? 0) / 1000),
    ['table'],
  );
  gaugeFrom(
    registry,
    'ai_commons_gateway_reload_failing_seconds',
    'How long reloads of the table have kept failing (0: the last succeeded)',
    perTable((r) => r.failingForMs() / 1000),
    ['table'],
  );

  registerAuditGauges(registry, sources.audit);
  gaugeFrom(registry, 'ai_commons_usage_dead_lettered_records', 'Usage records the database refused, moved aside (alert)', () => sources.usage.deadLettered);

  // By endpoint and target id: one breaker per replica the routing table has held (bounded by it).
  gaugeFrom(
    registry,
    'ai_commons_gateway_circuit_breaker_state',
    'Circuit breaker per replica (endpoint target): 0 closed, 1 half-open, 2 open (ejected); an endpoint is down when all its replicas are',
    () =>
      sources.replicas
        .breakerStates()
        .map(({ endpointId, targetId, state }) => ({ labels: { endpoint_id: endpointId, target_id: targetId }, value: BREAKER_STATE[state] })),
    ['endpoint_id', 'target_id'],
  );

  const guarantee = (dimension: 'tokensPerMinute' | 'requestsPerMinute' | 'concurrentRequests') => () => {
    const pools = sources.quota.table()?.pools ?? [];
    const table = sources.table();
    return pools.flatMap((pool) =>
      pool.policy.memberIds.map((institutionId) => ({
        labels: { pool: pool.name, institution: table.institution(institutionId)?.slug ?? 'unknown' },
        value: pool.policy.members[institutionId].guaranteed[dimension],
      })),
    );
  };
  gaugeFrom(
    registry,
    'ai_commons_quota_guaranteed_tokens_per_minute',
    'Tokens per minute guaranteed to an institution in a pool',
    guarantee('tokensPerMinute'),
    ['pool', 'institution'],
  );
  gaugeFrom(
    registry,
    'ai_commons_quota_guaranteed_requests_per_minute',
    'Requests per minute guaranteed to an institution in a pool',
    guarantee('requestsPerMinute'),
    ['pool', 'institution'],
  );
  gaugeFrom(
    registry,
    'ai_commons_quota_pool_capacity_tokens_per_minute',
    "A pool's capacity in tokens per minute",
    () => (sources.quota.table()?.pools ?? []).map((pool) => ({ labels: { pool: pool.name }, value: pool.policy.capacity.tokensPerMinute })),
    ['pool'],
  );
}
