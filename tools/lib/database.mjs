// Where the platform's database lives: DATABASE_URL (an existing server) or the embedded one.
import path from 'node:path';
import { createRequire } from 'node:module';
import net from 'node:net';
import { repoRoot } from './process.mjs';

export function portAnswers(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const require = createRequire(import.meta.url);
export const EMBEDDED_PORT = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 15432);
const DEV = { owner: 'owner-dev-password', app: 'app-dev-password', superuser: 'postgres-dev-password' };

/**
 * Returns owner/app URLs. With DATABASE_URL set it uses that server (bootstrapping only when
 * DATABASE_ADMIN_URL is given); otherwise it starts the embedded PostgreSQL under .data/postgres
 * and bootstraps roles and the `ai_commons` database on it.
 */
export async function resolveDatabase({ bootstrap = true } = {}) {
  const database = require(path.join(repoRoot, 'dist/libs/platform/database/src/index.js'));
  if (process.env.DATABASE_URL) {
    const ownerUrl = process.env.DATABASE_URL;
    const databaseName = new URL(ownerUrl).pathname.slice(1);
    const appUrl = process.env.DATABASE_APP_URL ?? database.urlForRole(ownerUrl, database.APP_ROLE, process.env.DATABASE_APP_PASSWORD ?? DEV.app);
    if (bootstrap && process.env.DATABASE_ADMIN_URL) {
      await database.bootstrapDatabase({
        adminUrl: process.env.DATABASE_ADMIN_URL,
        databaseName,
        ownerPassword: decodeURIComponent(new URL(ownerUrl).password),
        appPassword: decodeURIComponent(new URL(appUrl).password),
      });
    }
    // adminUrl (optional here) lends the owner the audit owner's role while migrations run.
    return { ownerUrl, appUrl, adminUrl: process.env.DATABASE_ADMIN_URL, databaseName, embedded: false, stop: async () => {} };
  }
  // Already running (another `npm start`, or `npm run db:*` next to it): just use it.
  const handle = (await portAnswers(EMBEDDED_PORT))
    ? { adminUrl: `postgres://postgres:${DEV.superuser}@127.0.0.1:${EMBEDDED_PORT}/postgres`, dataDir: undefined, stop: async () => {} }
    : await database.startEmbeddedPostgres({
        preferredDataDir: path.join(repoRoot, '.data', 'postgres'),
        port: EMBEDDED_PORT,
        superuserPassword: DEV.superuser,
      });
  const databaseName = 'ai_commons';
  await database.bootstrapDatabase({ adminUrl: handle.adminUrl, databaseName, ownerPassword: DEV.owner, appPassword: DEV.app });
  return {
    ownerUrl: database.urlForRole(handle.adminUrl, database.OWNER_ROLE, DEV.owner, databaseName),
    appUrl: database.urlForRole(handle.adminUrl, database.APP_ROLE, DEV.app, databaseName),
    adminUrl: handle.adminUrl,
    databaseName,
    embedded: true,
    dataDir: handle.dataDir,
    stop: () => handle.stop(),
  };
}
