import { VerificationService } from '@ai-commons/isolation';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '@ai-commons/config';
import { assertServingRole, createAppDataSource } from '@ai-commons/database';
import { startControlPlaneLeaderJobs } from './leader-jobs';
import { auditAuthenticationFailures, auditAuthorizationRefusals, brakeFailingSources, startAuditRuntime, type AuditRuntime } from '@ai-commons/audit';
import { Authenticator, authenticationMiddleware, KeycloakTokenVerifier, type TokenVerifier } from '@ai-commons/auth';
import { JsonLogger, requestContextMiddleware } from '@ai-commons/observability';
import { DEFAULT_PAGE_SIZE, graphqlRequestLimits } from '@ai-commons/graphql';
import { InstitutionService, TENANCY_ENTITIES, seedDemoConsortium } from '@ai-commons/tenancy';
import {
  CATALOG_ENTITIES,
  EndpointHealthProber,
  EndpointService,
  ModelService,
  OfferingService,
  seedDemoCatalog,
} from '@ai-commons/catalog';
import { QuotaService, seedDemoQuota } from '@ai-commons/quota';
import { ControlPlaneModule } from './control-plane.module';

export interface ControlPlane {
  app: INestApplication;
  url: string;
  /** Audit batch writer and sequencer of this process. */
  audit: AuditRuntime;
  close(): Promise<void>;
}

export interface ControlPlaneOverrides {
  verifier?: TokenVerifier;
  logger?: JsonLogger;
  /** Listen on this port instead of the configured one (0 = any free port). */
  port?: number;
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
  const app = await NestFactory.create(
    ControlPlaneModule.forRoot({ config, dataSource, verifier, logger, onAuthorizationRefused: auditAuthorizationRefusals(audit.writer) }),
    { logger, bodyParser: true },
  );
  app.use(requestContextMiddleware(logger));
  // A source that keeps failing authentication gets 429 before its next credential is checked.
  app.use(brakeFailingSources(audit.authenticationFailures));
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
    const pools = await seedDemoQuota(app.get(QuotaService));
    if (pools.length) logger.event('info', 'demo-quota.seeded', { pools });
  }
  await app.listen(overrides.port ?? config.CONTROL_PLANE_PORT, config.CONTROL_PLANE_HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://${config.CONTROL_PLANE_HOST}:${port}`;
  // The verification's GraphQL probes call this control plane's own API.
  app.get(VerificationService).controlPlaneUrl = url;
  // Periodic work runs in one control plane replica at a time (advisory-lock leadership).
  const leaderJobs = startControlPlaneLeaderJobs(config, app.get(EndpointHealthProber), logger);
  return {
    app,
    url,
    audit,
    /** Stops taking requests, then writes every queued audit record (refusals, authentication-failure windows). */
    close: async () => {
      await leaderJobs.stop();
      // The app first: requests still running may record events (refusals) through the writer.
      await app.close();
      await audit.stop();
    },
  };
}
