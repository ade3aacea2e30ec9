#!/usr/bin/env node
// `npm run cluster:local`: 2 control planes and 3 gateways on this machine (real processes, from
// the TypeScript sources) against one PostgreSQL database and one Redis (QUOTA_STORE=redis), plus
// the model simulator; the demo consortium is seeded. Ctrl-C stops everything.
//   PostgreSQL: TEST_POSTGRES_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres; a fresh
//   database ai_commons_cluster is created), Redis: REDIS_URL (default redis://127.0.0.1:6379),
//   Keycloak: KEYCLOAK_URL (default http://localhost:18080, `npm run keycloak -- start`).
// The multi-replica e2e test (test/e2e/src/multi-replica.e2e-spec.ts) drives the same cluster.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('./register-ts.cjs');
const { createTestDatabase } = require('../libs/platform/testing/src/index.ts');
const { startCluster } = require('../test/e2e/src/support/cluster.ts');

const adminUrl = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = await createTestDatabase(adminUrl, process.env.CLUSTER_DATABASE ?? 'ai_commons_cluster');
const cluster = await startCluster(database, {
  redisPrefix: `aic:cluster:${Date.now()}`,
  controlPlaneEnv: { ISOLATION_SCHEDULE_MS: '60000', CATALOG_HEALTH_PROBE_INTERVAL_MS: '30000' },
});
console.log(`cluster up on database ${database.name} (app role ${database.appUrl.replace(/:[^:@/]+@/, ':***@')})`);
console.log(`model simulator  ${cluster.simulator.url}`);
for (const [i, child] of cluster.controlPlanes.entries()) console.log(`control plane ${i + 1}  ${child.url}/graphql  (pid ${child.process.pid})`);
for (const [i, child] of cluster.gateways.entries()) console.log(`gateway ${i + 1}        ${child.url}/v1  (pid ${child.process.pid})`);
console.log(
  `leaders (job-pid): psql ${database.superuserUrl} -c "select a.application_name from pg_locks l join pg_stat_activity a using (pid) where l.locktype = 'advisory' and l.granted and a.application_name like 'ai-commons-leader-%'"`,
);
console.log('Ctrl-C stops everything.');
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
