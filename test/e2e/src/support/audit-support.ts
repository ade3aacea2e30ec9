import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createControlPlane, type ControlPlane } from '@ai-commons/control-plane-server';
import type { AuditRuntime } from '@ai-commons/audit';
import { JsonLogger } from '@ai-commons/observability';
import { InstitutionService, seedDemoConsortium } from '@ai-commons/tenancy';
import { testConfig, withPg, type TestDatabase } from '@ai-commons/testing';
import { capturedLogLines } from './environment';

const run = promisify(execFile);
export const repoRoot = path.resolve(__dirname, '../../../..');

/** What the offline verifier's CLI (apps/audit-verifier, run in-process) said about a bundle. */
export interface VerifierOutcome {
  code: number;
  report: { ok: boolean; scope: string; failures: { code: string; message: string }[]; counts: Record<string, number> } | undefined;
  stdout: string;
  stderr: string;
}

type RunVerifier = (argv: readonly string[], io: { stdout: (text: string) => void; stderr: (text: string) => void }) => Promise<number>;

/**
 * Runs the verifier CLI's runVerifier with --json (loaded from the app's sources; apps have no import
 * alias), pinning one key or several (one --public-key each).
 */
export async function runAuditVerifier(bundleDir: string, publicKeyPaths: string | readonly string[]): Promise<VerifierOutcome> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runVerifier } = require(path.join(repoRoot, 'apps/audit-verifier/src/run-verifier.ts')) as { runVerifier: RunVerifier };
  let stdout = '';
  let stderr = '';
  const pinned = (typeof publicKeyPaths === 'string' ? [publicKeyPaths] : publicKeyPaths).flatMap((file) => ['--public-key', file]);
  const code = await runVerifier(['--bundle', bundleDir, ...pinned, '--json'], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, report: stdout ? JSON.parse(stdout) : undefined, stdout, stderr };
}

export function failureCodes(outcome: VerifierOutcome): string[] {
  return [...new Set((outcome.report?.failures ?? []).map((failure) => failure.code))].sort();
}

export async function scratchDirectory(prefix = 'ai-commons-audit-e2e-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Saves the log's public key (as GraphQL or /audit/public-key.pem gives it) for --public-key. */
export async function savePublicKey(baseUrl: string, into: string): Promise<string> {
  const response = await fetch(`${baseUrl}/audit/public-key.pem`);
  if (!response.ok) throw new Error(`public key download failed: ${response.status}`);
  const file = path.join(into, 'audit-public-key.pem');
  await writeFile(file, await response.text());
  return file;
}

export interface DownloadedBundle {
  status: number;
  directory: string;
  headers: Headers;
}

/** GET /audit/export as `token`, saves the tar and unpacks it with the system tar. */
export async function downloadBundle(baseUrl: string, token: string, query: Record<string, string>, into: string): Promise<DownloadedBundle> {
  const response = await fetch(`${baseUrl}/audit/export?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`export failed: ${response.status} ${await response.text()}`);
  const target = await mkdtemp(path.join(into, 'bundle-'));
  const tarFile = path.join(target, 'bundle.tar');
  await writeFile(tarFile, Buffer.from(await response.arrayBuffer()));
  await run('tar', ['-xf', tarFile, '-C', target]);
  return { status: response.status, directory: path.join(target, 'audit-bundle'), headers: response.headers };
}

/**
 * Makes everything written so far part of a signed tree head: flushes the batch writers, then has
 * whichever sequencer holds the lock run until every committed event is sequenced and covered (the
 * suites share one database: after the argument walk there are thousands of events to sequence).
 */
export async function settleAuditLog(runtimes: AuditRuntime[], superuserUrl: string, timeoutMs = 60_000): Promise<{ treeSize: number }> {
  const deadline = Date.now() + timeoutMs;
  for (const runtime of runtimes) await runtime.writer.flush();
  while (Date.now() < deadline) {
    for (const runtime of runtimes) await runtime.sequencer?.runOnce({ forceTreeHead: true });
    const state = await withPg(superuserUrl, async (client) => {
      const pending = await client.query(
        `select count(*)::int as n from audit_events e where not exists (select 1 from audit_leaves l where l.event_id = e.id)`,
      );
      const size = await client.query(`select coalesce(max(leaf_index) + 1, 0)::int as n from audit_leaves`);
      const head = await client.query(`select coalesce(max(tree_size), -1)::int as n from audit_tree_heads`);
      return { pending: pending.rows[0].n as number, size: size.rows[0].n as number, head: head.rows[0].n as number };
    });
    if (state.pending === 0 && state.head === state.size) return { treeSize: state.size };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the audit log did not settle in time');
}

/** A control plane on another database than the shared e2e one (tampering, crash tests). */
export async function startControlPlaneOn(database: TestDatabase, env: Record<string, string> = {}): Promise<ControlPlane> {
  const logger = new JsonLogger('control-plane', 'debug', (line) => capturedLogLines.push(line));
  const controlPlane = await createControlPlane(testConfig(database, { CATALOG_HEALTH_PROBE_INTERVAL_MS: '0', ...env }), { logger, port: 0 });
  await seedDemoConsortium(controlPlane.app.get(InstitutionService));
  return controlPlane;
}

/** Runs SQL as superuser with triggers (and so the append-only guards and foreign keys) off: a tamperer's view. */
export async function tamper(superuserUrl: string, statements: (client: import('pg').Client) => Promise<void>): Promise<void> {
  await withPg(superuserUrl, async (client) => {
    await client.query(`set session_replication_role = replica`);
    await client.query('begin');
    await statements(client);
    await client.query('commit');
  });
}

export interface GatewayProcess {
  url: string;
  process: import('node:child_process').ChildProcess;
  /** Resolves with the exit signal or code. */
  exited: Promise<string>;
}

/** Runs apps/gateway/src/main.ts as a real process (TypeScript sources via tools/register-ts.cjs) on a free port. */
export function startGatewayProcess(database: TestDatabase, env: Record<string, string> = {}): Promise<GatewayProcess> {
  return startServiceProcess('gateway', database, { GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: '0', ...env });
}

/** Runs apps/control-plane/src/main.ts as a real process on a free port (no migrations, no health probes). */
export function startControlPlaneProcess(database: TestDatabase, env: Record<string, string> = {}): Promise<GatewayProcess> {
  return startServiceProcess('control-plane', database, {
    CONTROL_PLANE_HOST: '127.0.0.1',
    CONTROL_PLANE_PORT: '0',
    MIGRATE_ON_START: 'false',
    CATALOG_HEALTH_PROBE_INTERVAL_MS: '0',
    ISOLATION_SCHEDULE_MS: '0',
    ...env,
  });
}

async function startServiceProcess(app: 'gateway' | 'control-plane', database: TestDatabase, env: Record<string, string>): Promise<GatewayProcess> {
  const { spawn } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const child = spawn(process.execPath, ['-r', path.join(repoRoot, 'tools/register-ts.cjs'), path.join(repoRoot, `apps/${app}/src/main.ts`)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      AI_COMMONS_PROFILE: 'demo',
      LOG_LEVEL: 'info',
      DATABASE_APP_URL: database.appUrl,
      KEYCLOAK_URL: process.env.KEYCLOAK_URL ?? 'http://localhost:18080',
      ...env,
    },
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { event?: string; url?: string };
        if (entry.event === `${app}.ready` && entry.url) resolve(entry.url);
      } catch {
        // not a JSON line
      }
    });
    void exited.then((how) => reject(new Error(`${app} exited before it was ready (${how})`)));
  });
  return { url, process: child, exited };
}
