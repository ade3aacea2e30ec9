import pg from 'pg';
import type { TracerProvider } from '@opentelemetry/api';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

let instrumentation: PgInstrumentation | undefined;
let owner: TracerProvider | undefined;

/**
 * SQL spans from the official pg instrumentation, applied to the `pg` module the application loads
 * (TypeORM's driver and the LISTEN clients share it). Patched directly rather than through the
 * instrumentation's require hook, which neither jest's module registry nor a module loaded before
 * tracing started would pass through. Only inside a span (a query with no parent, such as a batch
 * writer's flush, makes no trace of its own); statements as the driver sent them, with placeholders,
 * never parameter values. One pg module per process: the latest tracing to ask for SQL spans gets them.
 */
export function instrumentPostgres(provider: TracerProvider): () => void {
  if (!instrumentation) {
    instrumentation = new PgInstrumentation({ enabled: false, requireParentSpan: true, enhancedDatabaseReporting: false, ignoreConnectSpans: true });
    const pgModule = instrumentation.getModuleDefinitions().find((definition) => definition.name === 'pg');
    pgModule?.patch?.(pg, pgModule.moduleVersion);
  }
  instrumentation.setTracerProvider(provider);
  owner = provider;
  return () => {
    if (owner !== provider || !instrumentation) return;
    const pgModule = instrumentation.getModuleDefinitions().find((definition) => definition.name === 'pg');
    pgModule?.unpatch?.(pg, pgModule.moduleVersion);
    instrumentation = undefined;
    owner = undefined;
  };
}
