import { spawn } from 'node:child_process';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { ConfigValidationError } from '@ai-commons/config';
import { AUDIT_OWNER_ROLE, OWNER_ROLE, createAppDataSource, runMigrations } from '@ai-commons/database';
import { createGateway } from '@ai-commons/gateway-server';
import { createControlPlane } from '@ai-commons/control-plane-server';
import { ALL_CHECKS, type RunContext } from '@ai-commons/isolation';
import { ALL_MIGRATIONS } from '@ai-commons/migrations';
import { JsonLogger } from '@ai-commons/observability';
import { testConfig, withPg } from '@ai-commons/testing';
import { e2eDatabase } from './support/environment';

const repoRoot = path.resolve(__dirname, '../../..');
const silent = () => new JsonLogger('least-privilege', 'error', () => undefined);

/** Runs an app's main.ts as a real process with exactly `env`; resolves with its exit code and stderr. */
function runApp(app: 'gateway' | 'control-plane', env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['-r', path.join(repoRoot, 'tools/register-ts.cjs'), path.join(repoRoot, `apps/${app}/src/main.ts`)], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, KEYCLOAK_URL: process.env.KEYCLOAK_URL ?? 'http://localhost:18080', GATEWAY_PORT: '0', CONTROL_PLANE_PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  return new Promise((resolve) => child.once('exit', (code) => (clearTimeout(timer), resolve({ code, stderr }))));
}

async function bootError(start: () => Promise<unknown>): Promise<ConfigValidationError> {
  const error = await start().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigValidationError);
  return error as ConfigValidationError;
}

describe('least-privilege database access', () => {
  const database = e2eDatabase();

  describe('the services refuse at boot to serve on an owner or superuser connection', () => {
    it('the gateway, given the schema owner as DATABASE_APP_URL', async () => {
      const error = await bootError(() => createGateway(testConfig({ appUrl: database.ownerUrl }), { logger: silent(), port: 0 }));
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^DATABASE_APP_URL: connects as ai_commons_owner, which owns \d+ relations in schema public .*owns schema public/);
      expect(error.problems[0]).toContain('services need the application role (ai_commons_app');
      expect(error.problems[0]).not.toContain('owner-test-password');
    });

    it('the control plane, given the schema owner or a superuser', async () => {
      const owner = await bootError(() => createControlPlane(testConfig({ appUrl: database.ownerUrl }), { logger: silent(), port: 0 }));
      expect(owner.problems[0]).toMatch(/^DATABASE_APP_URL: connects as ai_commons_owner, which owns/);
      const superuser = await bootError(() => createControlPlane(testConfig({ appUrl: database.superuserUrl }), { logger: silent(), port: 0 }));
      expect(superuser.problems[0]).toMatch(/^DATABASE_APP_URL: connects as \S+, which is a superuser, has BYPASSRLS/);
    });

    it('the gateway, given a role that owns nothing but is a member of the audit owner role (or of pg_write_all_data)', async () => {
      const role = `least_privilege_probe_${process.pid}`;
      const url = new URL(database.appUrl);
      url.username = role;
      url.password = 'probe-password';
      await withPg(database.superuserUrl, (client) =>
        client.query(`create role ${role} login password 'probe-password' noinherit; grant connect on database ${database.name} to ${role}; grant usage on schema public to ${role};
                      grant ${AUDIT_OWNER_ROLE} to ${role}; grant pg_write_all_data to ${role}`),
      );
      try {
        const error = await bootError(() => createGateway(testConfig({ appUrl: url.toString() }), { logger: silent(), port: 0 }));
        // Through the membership it can become the owner of the audit tables: both are named.
        expect(error.problems[0]).toMatch(
          new RegExp(
            `^DATABASE_APP_URL: connects as ${role}, which owns \\d+ relations in schema public .*, is a member of ai_commons_audit_owner, pg_write_all_data;`,
          ),
        );
      } finally {
        await withPg(database.superuserUrl, (client) => client.query(`drop owned by ${role}; drop role ${role}`));
      }
    });

    it('as real processes: exit 78 with the readable configuration error, for an owner URL and a superuser URL', async () => {
      const [gateway, controlPlane] = await Promise.all([
        runApp('gateway', { AI_COMMONS_PROFILE: 'demo', DATABASE_APP_URL: database.ownerUrl }),
        runApp('control-plane', {
          AI_COMMONS_PROFILE: 'demo',
          DATABASE_APP_URL: database.superuserUrl,
          ISOLATION_SCHEDULE_MS: '0',
          CATALOG_HEALTH_PROBE_INTERVAL_MS: '0',
        }),
      ]);
      expect(gateway).toEqual({
        code: 78,
        stderr: expect.stringContaining('gateway: Invalid configuration:\n  - DATABASE_APP_URL: connects as ai_commons_owner'),
      });
      expect(controlPlane).toEqual({
        code: 78,
        stderr: expect.stringMatching(/control-plane: Invalid configuration:\n {2}- DATABASE_APP_URL: connects as \S+, which is a superuser/),
      });
    }, 60_000);

    it('as a real process in the (default) production profile without secrets: exit 78 naming each missing secret, before touching the database', async () => {
      const result = await runApp('control-plane', { DATABASE_APP_URL: database.appUrl });
      expect(result.code).toBe(78);
      for (const name of ['CREDENTIAL_KEK', 'AUDIT_SIGNING_KEY', 'AUDIT_CONTENT_HMAC_SECRET'])
        expect(result.stderr).toContain(`  - ${name}: is required in the production profile`);
    }, 60_000);
  });

  describe('the schema owner is not a member of the audit owner role', () => {
    it('after migrating (which borrows the role under a superuser), the owner holds no membership and cannot touch the audit tables', async () => {
      expect(await runMigrations(database.ownerUrl, ALL_MIGRATIONS, { adminUrl: database.adminUrl })).toEqual([]);
      const member = await withPg(
        database.superuserUrl,
        async (client) => (await client.query(`select pg_has_role($1, $2, 'MEMBER') as member`, [OWNER_ROLE, AUDIT_OWNER_ROLE])).rows[0].member,
      );
      expect(member).toBe(false);
      for (const statement of [
        'alter table audit_events disable trigger user',
        'alter table audit_leaves disable row level security',
        `set role ${AUDIT_OWNER_ROLE}`,
      ]) {
        await expect(withPg(database.ownerUrl, (client) => client.query(statement))).rejects.toMatchObject({ code: '42501' });
      }
    });
  });

  describe('isolation check rls.serving-role-privileges', () => {
    const check = ALL_CHECKS.find((entry) => entry.id === 'rls.serving-role-privileges')!;
    const contextOn = async (url: string): Promise<{ context: RunContext; dataSource: DataSource }> => {
      const dataSource = await createAppDataSource({
        url,
        entities: [],
        poolSize: 1,
        statementTimeoutMs: 10_000,
        applicationName: 'least-privilege-e2e',
      }).initialize();
      return { context: { dataSource } as unknown as RunContext, dataSource };
    };

    it('passes as the application role: every ALTER, DISABLE TRIGGER, SET ROLE and row_security=off attempt refused with 42501, as the evidence shows', async () => {
      const { context, dataSource } = await contextOn(database.appUrl);
      try {
        const outcome = await check.run(context);
        const evidence = outcome.evidence as {
          role: string;
          attempts: { kind: string; statement: string; refused: boolean; sqlstate?: string }[];
          allowed: string[];
          ownerMemberOfAuditOwner: boolean;
        };
        expect({ status: outcome.status, summary: outcome.summary }).toEqual({
          status: 'pass',
          summary: expect.stringContaining('refused with insufficient_privilege'),
        });
        expect(evidence.role).toBe('ai_commons_app');
        expect(evidence.allowed).toEqual([]);
        expect(evidence.ownerMemberOfAuditOwner).toBe(false);
        expect(new Set(evidence.attempts.map((attempt) => attempt.kind))).toEqual(new Set(['alter', 'disable-trigger', 'set-role', 'bypass-rls']));
        expect(evidence.attempts.every((attempt) => attempt.refused && attempt.sqlstate === '42501')).toBe(true);
        const statements = evidence.attempts.map((attempt) => attempt.statement);
        expect(statements).toEqual(
          expect.arrayContaining([
            'alter table "audit_events" disable trigger user',
            'alter table "institutions" disable row level security',
            'set role "ai_commons_owner"',
            'set role "ai_commons_audit_owner"',
          ]),
        );
      } finally {
        await dataSource.destroy();
      }
    });

    it('fails, naming what was allowed, when the services run as the schema owner (and changes nothing)', async () => {
      const { context, dataSource } = await contextOn(database.ownerUrl);
      try {
        const outcome = await check.run(context);
        const evidence = outcome.evidence as { allowed: string[] };
        expect(outcome.status).toBe('fail');
        expect(evidence.allowed).toEqual(
          expect.arrayContaining(['alter table "institutions" disable row level security', 'alter table "institutions" disable trigger user']),
        );
      } finally {
        await dataSource.destroy();
      }
      const institutions = await withPg(
        database.superuserUrl,
        async (client) => (await client.query(`select relrowsecurity, relforcerowsecurity from pg_class where relname = 'institutions'`)).rows[0],
      );
      expect(institutions).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
    });
  });
});
