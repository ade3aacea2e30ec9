import type { Request, Response, NextFunction } from 'express';
import type { DataSource } from 'typeorm';
import { Kind, parse, type GraphQLSchema } from 'graphql';
import { Counter, Histogram, type Registry } from 'prom-client';
import { registerKeyFetchCounters, type TokenVerifier } from '@ai-commons/auth';
import { registerAuditBacklogGauge, registerAuditGauges, type AuditRuntime } from '@ai-commons/audit';
import { registerDatabasePoolGauge, type TenantScopes } from '@ai-commons/database';
import { registerIsolationGauges } from '@ai-commons/isolation';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Documents longer than this are not parsed for a label (the limits middleware refuses them anyway). */
const MAX_LABELLED_DOCUMENT = 64 * 1024;

/**
 * The operation label of a GraphQL request: the first root field it selects, when that is one of
 * the schema's root fields; anything else (unknown fields, unparsable or oversized documents,
 * batches) is "other". Client-chosen operation names are never used: they are unbounded.
 */
export function operationLabel(body: unknown, rootFields: ReadonlySet<string>): string {
  const query = (body as { query?: unknown } | undefined)?.query;
  if (typeof query !== 'string' || query.length > MAX_LABELLED_DOCUMENT) return 'other';
  try {
    const document = parse(query, { maxTokens: 5_000 });
    const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    const field = operation?.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
    const name = field?.kind === Kind.FIELD ? field.name.value : undefined;
    return name !== undefined && rootFields.has(name) ? name : 'other';
  } catch {
    return 'other';
  }
}

export function rootFieldsOf(schema: GraphQLSchema): Set<string> {
  const names = new Set<string>();
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const name of Object.keys(type?.getFields() ?? {})) names.add(name);
  }
  return names;
}

/** Counts and times GraphQL requests by operation (see operationLabel) and outcome (HTTP status class). */
export function graphqlMetricsMiddleware(registry: Registry, rootFields: () => ReadonlySet<string>) {
  const operations = new Counter({
    name: 'ai_commons_control_plane_graphql_operations_total',
    help: 'GraphQL requests by root field and outcome',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'ai_commons_control_plane_graphql_duration_seconds',
    help: 'GraphQL request latency by root field',
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const startedAt = performance.now();
    res.once('finish', () => {
      // The body is parsed by the time the answer is sent.
      const operation = operationLabel(req.body, rootFields());
      operations.labels(operation, res.statusCode < 400 ? 'ok' : res.statusCode < 500 ? 'refused' : 'error').inc();
      latency.labels(operation).observe((performance.now() - startedAt) / 1000);
    });
    next();
  };
}

/** Database pool, audit, isolation and Keycloak key figures, read when scraped (queries cached; see each). */
export function registerControlPlaneGauges(
  registry: Registry,
  sources: { dataSource: DataSource; scopes: TenantScopes; audit: AuditRuntime; verifier: TokenVerifier },
): void {
  registerDatabasePoolGauge(registry, sources.dataSource);
  registerAuditGauges(registry, sources.audit);
  registerAuditBacklogGauge(registry, sources.scopes);
  registerIsolationGauges(registry, sources.scopes);
  registerKeyFetchCounters(registry, sources.verifier);
}
