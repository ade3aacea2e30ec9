import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { AdvisoryLockLeadership, assertServingRole, createAppDataSource, TenantDatabase } from '@ai-commons/database';
import type { AppConfig } from '@ai-commons/config';
import { KeycloakTokenVerifier, type TokenVerifier } from '@ai-commons/auth';
import { credentialCipherFromConfig } from '@ai-commons/catalog';
import { gatewayAuditHooks, startAuditRuntime, type AuditRuntime } from '@ai-commons/audit';
import {
  GatewayMetrics,
  JsonLogger,
  createServiceRegistry,
  startMetricsServer,
  tracingFromConfig,
  type MetricsServer,
  type Tracing,
} from '@ai-commons/observability';
import { registerGatewayGauges } from './metrics/gateway-gauges';
import { GatewayAuthentication } from './auth/gateway-authentication';
import { RoutingLoader } from './routing/routing-loader';
import { Replicas } from './upstream/replicas';
import { NO_REQUEST_HOOKS, composeHooks, tracedHook, type RequestHooks, type TracedHookOptions } from '@ai-commons/gateway-admission';
import { createGatewayServer } from './gateway-server';
import { GatewayError } from './http/openai-error';
import {
  GatewayInstance,
  MemoryQuotaStore,
  QuotaHooks,
  QuotaLoader,
  RateLimitReporter,
  RedisQuotaStore,
  UsageRecorder,
  UsageRecovery,
  type QuotaStore,
} from '@ai-commons/quota';
import { PolicyHook, PolicyStore } from '@ai-commons/data-policy';
import { UseCaseHook, UseCaseStore, useCaseReadiness } from '@ai-commons/use-cases';

export interface Gateway {
  url: string;
  server: Server;
  routing: RoutingLoader;
  /** The data-handling policy and institutions' PII settings in memory. */
  policy: PolicyStore;
  usage: UsageRecorder;
  /** Audit batch writer and sequencer (the admission record of every answered request is durable). */
  audit: AuditRuntime;
  /** The use-case register in memory (what the gateway enforces). */
  useCases: UseCaseStore;
  /** Quota pools in memory and the store of their counters (QUOTA_STORE). */
  quota: { loader: QuotaLoader; store: QuotaStore };
  /** Where Prometheus scrapes the gateway (GATEWAY_METRICS_PORT), if on. */
  metricsUrl?: string;
  /** OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT), if on. */
  tracing?: Tracing;
  /** Stops taking requests, lets in-flight ones finish, writes all usage, closes the database. */
  close(): Promise<void>;
}

export interface GatewayOverrides {
  verifier?: TokenVerifier;
  logger?: JsonLogger;
  hooks?: RequestHooks;
  port?: number;
  /** Management port of `/metrics` (0: off); defaults to GATEWAY_METRICS_PORT. */
  metricsPort?: number;
  /** Clock of quota admission (tests move time forward past the one-minute window). */
  quotaClock?: () => number;
  /** Tracing to use instead of the configured one (tests: an in-memory exporter); the caller shuts it down. */
  tracing?: Tracing;
}

export async function createGateway(config: AppConfig, overrides: GatewayOverrides = {}): Promise<Gateway> {
  const logger = overrides.logger ?? new JsonLogger('gateway', config.LOG_LEVEL);
  const dataSource = await createAppDataSource({
    url: config.DATABASE_APP_URL,
    entities: [],
    poolSize: Math.min(config.DATABASE_POOL_SIZE, 5),
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    applicationName: 'ai-commons-gateway',
  }).initialize();
  // Never serve on an owner or superuser connection (it could switch off RLS and the audit triggers).
  await assertServingRole(dataSource).catch(async (error: unknown) => {
    await dataSource.destroy();
    throw error;
  });
  const db = new TenantDatabase(dataSource);
  const cipher = credentialCipherFromConfig(config);
  const routing = new RoutingLoader(db, cipher, config.DATABASE_APP_URL, config.GATEWAY_ROUTING_REFRESH_MS, logger);
  await routing.start();
  // Registered before serving: recovery must know this instance from its first admission on.
  const instance: GatewayInstance = new GatewayInstance(db, config.GATEWAY_INSTANCE_HEARTBEAT_MS, () => usage.durableBefore(), logger);
  const usage: UsageRecorder = new UsageRecorder(db, config.GATEWAY_USAGE_FLUSH_MS, config.GATEWAY_USAGE_BATCH_SIZE, logger, instance.id);
  await instance.register();
  usage.start();
  // Writes the usage records of gateways that died, once across gateways (advisory-lock leadership).
  const usageRecovery =
    config.GATEWAY_USAGE_RECOVERY_MS > 0
      ? new AdvisoryLockLeadership(
          {
            connectionString: config.DATABASE_APP_URL,
            name: 'usage-recovery',
            retryMs: config.LEADERSHIP_RETRY_MS,
            checkMs: config.LEADERSHIP_CHECK_MS,
            log: (level, event, fields) => logger.event(level, event, fields),
          },
          new UsageRecovery(db, { deadAfterMs: config.GATEWAY_INSTANCE_DEAD_AFTER_MS, intervalMs: config.GATEWAY_USAGE_RECOVERY_MS }, logger),
        )
      : undefined;
  usageRecovery?.start();
  const quotaClock = overrides.quotaClock ?? Date.now;
  const quotaLoader = new QuotaLoader(
    db,
    config.DATABASE_APP_URL,
    config.QUOTA_REFRESH_MS,
    { bucketMs: config.QUOTA_BUCKET_MS, leaseTtlMs: config.QUOTA_LEASE_TTL_MS },
    logger,
  );
  await quotaLoader.start();
  const quotaStore: QuotaStore =
    config.QUOTA_STORE === 'redis'
      ? new RedisQuotaStore({
          url: config.REDIS_URL!,
          sentinels: config.REDIS_SENTINELS,
          sentinelMaster: config.REDIS_SENTINEL_MASTER,
          keyPrefix: config.QUOTA_REDIS_PREFIX,
          clock: quotaClock,
        })
      : new MemoryQuotaStore(quotaClock);
  const quotaHooks = new QuotaHooks(() => quotaLoader.table(), quotaStore, logger, quotaClock);

  const policy = new PolicyStore(db, config.DATABASE_APP_URL, config.GATEWAY_ROUTING_REFRESH_MS, logger);
  await policy.start();
  const useCases = new UseCaseStore(db, config.DATABASE_APP_URL, config.GATEWAY_ROUTING_REFRESH_MS, logger);
  await useCases.start();
  const useCaseHook = new UseCaseHook(() => useCases.snapshot());

  const audit = startAuditRuntime({ config, db, logger, applicationName: 'ai-commons-gateway', service: 'gateway' });
  // Last in the chain: only requests every other hook admitted get an admission record; the others
  // are recorded as refused, by onRefused (the one place refusals are audited).
  const auditHooks = gatewayAuditHooks(
    audit,
    () => new GatewayError(503, 'api_error', 'audit_unavailable', 'The request could not be recorded in the audit log, so its answer is withheld.'),
  );

  const verifier = overrides.verifier ?? KeycloakTokenVerifier.fromConfig(config);
  const table = () => routing.table();
  const replicas = new Replicas({
    failureThreshold: config.GATEWAY_BREAKER_FAILURES,
    cooldownMs: config.GATEWAY_BREAKER_COOLDOWN_MS,
    affinityMaxExcess: config.GATEWAY_AFFINITY_MAX_EXCESS,
  });
  const metricsPort = overrides.metricsPort ?? config.GATEWAY_METRICS_PORT;
  let metrics: GatewayMetrics | undefined;
  let metricsServer: MetricsServer | undefined;
  if (metricsPort > 0) {
    const registry = createServiceRegistry('gateway');
    metrics = new GatewayMetrics(registry);
    registerGatewayGauges(registry, { routing, policy, quota: quotaLoader, quotaStore, useCases, audit, usage, replicas, table, dataSource, verifier });
    metricsServer = await startMetricsServer(registry, config.METRICS_HOST, metricsPort);
  }
  const ownTracing = overrides.tracing ? undefined : tracingFromConfig(config, 'ai-commons-gateway');
  const tracing = overrides.tracing ?? ownTracing;
  // Each admission hook's decision in the request's trace (tracing on); the hooks as they are otherwise.
  // Stages that only compute are events of the request's span; the quota store and the audit
  // commit wait on I/O and keep spans of their own.
  const traced = (name: string, hook: RequestHooks, options?: TracedHookOptions) => (tracing ? tracedHook(tracing, name, hook, options) : hook);
  const server = createGatewayServer({
    metrics,
    tracing,
    authentication: new GatewayAuthentication(verifier, table, audit.authenticationFailures),
    table,
    replicas,
    usage,
    // The data-handling policy first (a denied request reserves no quota), the audit record last.
    // The use-case register right after the policy (it reads the classification the policy resolved).
    hooks: composeHooks(
      traced(
        'gateway.policy',
        new PolicyHook(
          () => policy.snapshot(),
          (tenantId) => table().institution(tenantId),
          undefined,
          metrics && ((decision) => metrics!.observePolicyDecision(decision.ruleId, decision.decision, decision.findings)),
        ),
        { as: 'event' },
      ),
      traced('gateway.use_case', useCaseHook, { as: 'event' }),
      overrides.hooks ?? NO_REQUEST_HOOKS,
      traced('gateway.quota_admission', quotaHooks),
      // The admission record is hashed and queued (an event), then group-committed while the upstream call runs: the commit is a span.
      traced('gateway.audit_admission', auditHooks, { as: 'event', commitSpan: 'gateway.audit_commit' }),
    ),
    // Every refusal of an admission hook (data policy, use case, quota) names the request's use case.
    onRefused: (refusal) => auditHooks.recordRefusal({ ...refusal, details: useCaseHook.refusalDetails(refusal.admissionRequest) }),
    gatewayInstanceId: instance.id,
    rateLimits: new RateLimitReporter(() => quotaLoader.table(), quotaStore, quotaClock),
    connectRetries: config.GATEWAY_CONNECT_RETRIES,
    maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
    maxJsonDepth: config.GATEWAY_MAX_JSON_DEPTH,
    corsOrigins: new Set(config.GATEWAY_CORS_ORIGINS ?? []),
    headersTimeoutMs: config.GATEWAY_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
    logger,
    ready: async () => {
      // A table whose reloads keep failing may still hold revoked keys: not ready past the limit.
      const failingForMs = routing.failingForMs();
      const routingUp = routing.loaded && failingForMs < config.GATEWAY_ROUTING_STALE_AFTER_MS;
      const checks: Record<string, unknown> = {
        routing: !routing.loaded
          ? { status: 'down' }
          : { status: routingUp ? 'up' : 'stale', ...table().size, ...(failingForMs ? { reloadsFailingForMs: failingForMs } : {}) },
        // A register whose reloads keep failing may still serve a use case suspended since: not ready either.
        useCases: useCaseReadiness(useCases, config.GATEWAY_ROUTING_STALE_AFTER_MS),
      };
      try {
        await db.ping();
        checks.database = { status: 'up' };
      } catch {
        checks.database = { status: 'down' };
      }
      // Records the database refused and the writers moved aside: an operator alert, never a reason to stop serving.
      const deadLettered = { audit: audit.writer.deadLettered, usage: usage.deadLettered };
      checks.deadLetters = { status: deadLettered.audit + deadLettered.usage > 0 ? 'alert' : 'none', ...deadLettered };
      // Taken for dead and recovered while alive (cut off from the database too long): replace it.
      checks.usageRecovery = { status: instance.fenced ? 'recovered-while-alive' : 'up', instanceId: instance.id };
      return {
        ok: routingUp && !instance.fenced && (checks.useCases as { status: string }).status === 'up' && (checks.database as { status: string }).status === 'up',
        checks,
      };
    },
  });
  await new Promise<void>((resolve) => server.listen(overrides.port ?? config.GATEWAY_PORT, config.GATEWAY_HOST, resolve));
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await metricsServer?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await usageRecovery?.stop();
      await usage.stop();
      await instance.stop(usage.pending === 0);
      await audit.stop();
      await routing.stop();
      await policy.stop();
      await useCases.stop();
      await quotaLoader.stop();
      await quotaStore.close();
      await dataSource.destroy();
      // Last: the spans of the requests that just finished are exported.
      await ownTracing?.shutdown();
    })());
  return {
    url: `http://${config.GATEWAY_HOST}:${port}`,
    server,
    routing,
    policy,
    useCases,
    usage,
    audit,
    quota: { loader: quotaLoader, store: quotaStore },
    metricsUrl: metricsServer?.url,
    tracing,
    close,
  };
}
