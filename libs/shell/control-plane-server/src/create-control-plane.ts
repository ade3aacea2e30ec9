import { VerificationRunner } from '@ai-commons/isolation';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import type { INestApplication } from '@nestjs/common';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { AppConfig } from '@ai-commons/config';
import { TenantScopes, assertServingRole, createAppDataSource } from '@ai-commons/database';
import { RequestContext, SYSTEM_PRINCIPAL } from '@ai-commons/core';
import { startControlPlaneLeaderJobs } from './leader-jobs';
import { auditAuthenticationFailures, auditAuthorizationRefusals, brakeFailingSources, startAuditRuntime, type AuditRuntime } from '@ai-commons/audit';
import { Authenticator, authenticationMiddleware, KeycloakTokenVerifier, type TokenVerifier } from '@ai-commons/auth';
import {
  JsonLogger,
  createServiceRegistry,
  requestContextMiddleware,
  startMetricsServer,
  tracingFromConfig,
  tracingMiddleware,
  type MetricsServer,
  type Tracing,
} from '@ai-commons/observability';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { graphqlMetricsMiddleware, registerControlPlaneGauges, rootFieldsOf } from './metrics/control-plane-metrics';
import { DEFAULT_PAGE_SIZE, graphqlRequestLimits } from '@ai-commons/graphql';
import { InstitutionService, TENANCY_ENTITIES, seedDemoConsortium } from '@ai-commons/tenancy';
import { CATALOG_ENTITIES, EndpointHealthProber, EndpointService, ModelService, OfferingService, seedDemoCatalog } from '@ai-commons/catalog';
import { DemoQuotaSeeder } from '@ai-commons/quota';
import { UseCaseService, seedDemoUseCases, type DemoUseCaseDirectory } from '@ai-commons/use-cases';
import { ControlPlaneModule } from './control-plane.module';
import { consoleRoutes } from './console-static';

export interface ControlPlane {
  app: INestApplication;
  url: string;
  /** Audit batch writer and sequencer of this process. */
  audit: AuditRuntime;
  /** Where Prometheus scrapes the control plane (CONTROL_PLANE_METRICS_PORT), if on. */
  metricsUrl?: string;
  /** OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT), if on. */
  tracing?: Tracing;
  close(): Promise<void>;
}

export interface ControlPlaneOverrides {
  verifier?: TokenVerifier;
  logger?: JsonLogger;
  /** Listen on this port instead of the configured one (0 = any free port). */
  port?: number;
  /** Management port of `/metrics` (0: off); defaults to CONTROL_PLANE_METRICS_PORT. */
  metricsPort?: number;
  /** Tracing to use instead of the configured one (tests: an in-memory exporter); the caller shuts it down. */
  tracing?: Tracing;
}

/**
 * Builds and starts the control plane on the application role's connection (migrations are their
 * own step, as the owner). Refuses an owner or superuser connection. Used by main.ts and the e2e tests.
 */
export async function createControlPlane(config: AppConfig, overrides: ControlPlaneOverrides = {}): Promise<ControlPlane> {
  const logger = overrides.logger ?? new JsonLogger('control-plane', config.LOG_LEVEL);
  const dataSource = await createAppDataSource({
    url: config.DATABASE_APP_URL,
    entities: [...TENANCY_ENTITIES, ...CATALOG_ENTITIES],
    poolSize: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    applicationName: 'ai-commons-control-plane',
  }).initialize();
  await assertServingRole(dataSource).catch(async (error: unknown) => {
    await dataSource.destroy();
    throw error;
  });

  const verifier = overrides.verifier ?? KeycloakTokenVerifier.fromConfig(config);
  // Before the app: its auth guard records role refusals through this runtime's writer.
  const audit = startAuditRuntime({ config, logger, applicationName: 'ai-commons-control-plane', service: 'control-plane' });
  try {
    return await startApp(config, overrides, { dataSource, verifier, logger, audit });
  } catch (error) {
    // Releases the sequencer's lock and writes what was recorded before the failure.
    await audit.stop().catch(() => undefined);
    throw error;
  }
}

async function startApp(
  config: AppConfig,
  overrides: ControlPlaneOverrides,
  { dataSource, verifier, logger, audit }: { dataSource: DataSource; verifier: TokenVerifier; logger: JsonLogger; audit: AuditRuntime },
): Promise<ControlPlane> {
  // SQL spans too (the pg instrumentation), under the resolver span that issued them.
  const ownTracing = overrides.tracing ? undefined : tracingFromConfig(config, 'ai-commons-control-plane', { postgres: true });
  const tracing = overrides.tracing ?? ownTracing;
  const app = await NestFactory.create(
    ControlPlaneModule.forRoot({ config, dataSource, verifier, logger, onAuthorizationRefused: auditAuthorizationRefusals(audit.writer), tracing }),
    { logger, bodyParser: true },
  );
  // From here Nest logs through nestjs-pino (same pino logger; request-bound inside a request).
  app.useLogger(app.get(NestPinoLogger));
  app.use(requestContextMiddleware(logger));
  if (tracing) app.use(tracingMiddleware(tracing, TRACED_ROUTES));
  const metricsPort = overrides.metricsPort ?? config.CONTROL_PLANE_METRICS_PORT;
  const registry = metricsPort > 0 ? createServiceRegistry('control-plane') : undefined;
  let rootFields: ReadonlySet<string> = new Set();
  if (registry) {
    app.use(
      '/graphql',
      graphqlMetricsMiddleware(registry, () => rootFields),
    );
  }
  // A source that keeps failing authentication gets 429 before its next credential is checked.
  app.use(brakeFailingSources(audit.authenticationFailures));
  // The web console and the browser redirects to it, before the GraphQL limits and authentication.
  app.use(consoleRoutes(config));
  app.use(
    '/graphql',
    ...graphqlRequestLimits({
      maxBatch: config.GRAPHQL_MAX_BATCH,
      maxDocumentBytes: config.GRAPHQL_MAX_DOCUMENT_BYTES,
      maxTokens: config.GRAPHQL_MAX_TOKENS,
      maxDepth: config.GRAPHQL_MAX_DEPTH,
      maxAliases: config.GRAPHQL_MAX_ALIASES,
      maxCost: config.GRAPHQL_MAX_COST,
      defaultPageSize: DEFAULT_PAGE_SIZE,
    }),
  );
  app.use(authenticationMiddleware(app.get(Authenticator)));
  app.use(auditAuthenticationFailures(audit.authenticationFailures));
  // No Nest shutdown hooks: on a signal Nest would close the app and exit before the audit writer
  // wrote what it holds. main.ts calls close() instead, which writes it.
  await app.init();
  if (registry) {
    rootFields = rootFieldsOf(app.get(GraphQLSchemaHost).schema);
    registerControlPlaneGauges(registry, { dataSource, scopes: app.get(TenantScopes), audit, verifier });
  }
  if (config.SEED_DEMO_CONSORTIUM) {
    const created = await seedDemoConsortium(app.get(InstitutionService));
    if (created.length) logger.event('info', 'demo-consortium.seeded', { created });
    const catalog = await seedDemoCatalog(
      {
        institutions: app.get(InstitutionService),
        models: app.get(ModelService),
        offerings: app.get(OfferingService),
        endpoints: app.get(EndpointService),
      },
      config.DEMO_SIMULATOR_URL,
    );
    if (catalog.models.length + catalog.offerings.length + catalog.endpoints.length) {
      logger.event('info', 'demo-catalog.seeded', { ...catalog });
    }
    const pools = await app.get(DemoQuotaSeeder).seed();
    if (pools.length) logger.event('info', 'demo-quota.seeded', { pools });
    const useCases = await seedDemoUseCases(app.get(UseCaseService), await demoUseCaseDirectory(app.get(InstitutionService), app.get(EndpointService)));
    if (useCases.length) logger.event('info', 'demo-use-cases.seeded', { useCases });
  }
  await app.listen(overrides.port ?? config.CONTROL_PLANE_PORT, config.CONTROL_PLANE_HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://${config.CONTROL_PLANE_HOST}:${port}`;
  // The verification's GraphQL probes call this control plane's own API.
  app.get(VerificationRunner).controlPlaneUrl = url;
  // Periodic work runs in one control plane replica at a time (advisory-lock leadership).
  const leaderJobs = startControlPlaneLeaderJobs(config, app.get(EndpointHealthProber), logger);
  const metricsServer: MetricsServer | undefined = registry && (await startMetricsServer(registry, config.METRICS_HOST, metricsPort));
  return {
    app,
    url,
    audit,
    metricsUrl: metricsServer?.url,
    tracing,
    /**
     * Stops taking requests, then writes every queued audit record (refusals, authentication-failure
     * windows). An isolation run in progress is closed as interrupted first.
     */
    close: async () => {
      await leaderJobs.stop();
      await app.get(VerificationRunner).interruptForShutdown();
      await metricsServer?.close();
      // The app first: requests still running may record events (refusals) through the writer.
      await app.close();
      await audit.stop();
      await ownTracing?.shutdown();
    },
  };
}

/** Paths named in request span names (anything else is named by its method: span names stay bounded). */
const TRACED_ROUTES: ReadonlySet<string> = new Set(['/graphql']);

/** The demo institutions and their endpoints, for the demo use-case register. */
async function demoUseCaseDirectory(institutions: InstitutionService, endpoints: EndpointService): Promise<DemoUseCaseDirectory> {
  return RequestContext.run({ requestId: 'seed-use-cases', principal: SYSTEM_PRINCIPAL }, async () => {
    const rows = (await institutions.list(SYSTEM_PRINCIPAL, {}, 100)).rows;
    return {
      institutions: new Map(rows.map((row) => [row.slug, row.id])),
      endpointsOf: (institutionId) =>
        RequestContext.run(
          { requestId: 'seed-use-cases', principal: SYSTEM_PRINCIPAL },
          async () => new Map((await endpoints.list(SYSTEM_PRINCIPAL, { institutionId }, 100)).rows.map((row) => [row.name, row.id])),
        ),
    };
  });
}
