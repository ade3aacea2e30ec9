import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { counterFrom, gaugeFrom } from '@ai-commons/observability';
import { registerKeyFetchCounters, type TokenVerifier } from '@ai-commons/auth';
import { registerDatabasePoolGauge, type NotifiedReloader } from '@ai-commons/database';
import { registerAuditGauges, type AuditRuntime } from '@ai-commons/audit';
import type { QuotaLoader, QuotaStore, UsageRecorder } from '@ai-commons/quota';
import type { RoutingTable } from '../routing/routing-table';
import type { Replicas } from '../upstream/replicas';
import type { UseCaseStore } from '@ai-commons/use-cases';
import { registerQuotaGauges } from './quota-gauges';
import { registerExpiryGauges } from './expiry-gauges';

export interface GatewayGaugeSources {
  routing: NotifiedReloader<unknown>;
  policy: NotifiedReloader<unknown>;
  quota: QuotaLoader;
  quotaStore: QuotaStore;
  useCases: UseCaseStore;
  audit: AuditRuntime;
  usage: UsageRecorder;
  replicas: Replicas;
  table: () => RoutingTable;
  dataSource: DataSource;
  verifier: TokenVerifier;
}

const BREAKER_STATE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Figures the gateway keeps anyway, read when Prometheus scrapes (nothing added to the request
 * path). Labels come from the loaded tables: institutions by slug, pools by name.
 */
export function registerGatewayGauges(registry: Registry, sources: GatewayGaugeSources): void {
  const reloaders = { routing: sources.routing, policy: sources.policy, quota: sources.quota, 'use-cases': sources.useCases } as const;
  const perTable = (read: (reloader: NotifiedReloader<unknown>) => number) => () =>
    Object.entries(reloaders).map(([table, reloader]) => ({ labels: { table }, value: read(reloader) }));
  gaugeFrom(
    registry,
    'ai_commons_gateway_reload_age_seconds',
    'Age of the routing/policy/quota/use-case snapshot in service',
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
  counterFrom(
    registry,
    'ai_commons_gateway_reload_failures_total',
    'Failed reloads of the table since start',
    perTable((r) => r.failedReloads),
    ['table'],
  );

  registerAuditGauges(registry, sources.audit);
  gaugeFrom(registry, 'ai_commons_usage_dead_lettered_records', 'Usage records the database refused, moved aside (alert)', () => sources.usage.deadLettered);
  registerDatabasePoolGauge(registry, sources.dataSource);
  registerKeyFetchCounters(registry, sources.verifier);

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

  registerQuotaGauges(registry, { loader: sources.quota, store: sources.quotaStore }, sources.table);
  registerExpiryGauges(registry, sources.table, () => sources.useCases.snapshot());
}
