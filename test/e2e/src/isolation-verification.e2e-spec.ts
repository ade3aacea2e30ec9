import { createPublicKey } from 'node:crypto';
import { createControlPlane, type ControlPlane } from '@ai-commons/control-plane-server';
import { createGateway, type Gateway } from '@ai-commons/gateway-server';
import { createTestDatabase, dropTestDatabase, graphqlRequest, testConfig, userToken, withPg, type TestDatabase } from '@ai-commons/testing';
import { JsonLogger } from '@ai-commons/observability';
import { DEFAULT_POLICY } from '@ai-commons/policy';
import { verifyReport } from '@ai-commons/isolation';
import { e2eDatabase, eventually } from './support/environment';

/**
 * Destructive: runs against its own database (demo consortium and catalog seeded), because the
 * misconfiguration cases disable RLS, share credentials and so on. Each case restores in `finally`.
 */
describe('data-isolation verification (signed reports; each misconfiguration makes its check fail)', () => {
  let database: TestDatabase;
  let controlPlane: ControlPlane;
  let gateway: Gateway;
  let adminToken: string;
  const silent = () => new JsonLogger('test', 'error', () => undefined);

  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) =>
    withPg(database.superuserUrl, async (pg) => (await pg.query(text, params)).rows as T[]);

  const RUN_FIELDS =
    'id status trigger reportSha256 signingKeyId summary { pass fail warning durationMs } checks { id concern status summary evidenceJson durationMs }';

  async function runVerification(): Promise<{
    id: string;
    status: string;
    reportSha256: string;
    checks: { id: string; status: string; summary: string; evidenceJson: string }[];
  }> {
    const response = await graphqlRequest<{ startIsolationVerification: any }>(controlPlane.url, `mutation { startIsolationVerification { ${RUN_FIELDS} } }`, {
      token: adminToken,
    });
    expect(response.errors).toBeUndefined();
    return response.data!.startIsolationVerification;
  }
  const check = (run: Awaited<ReturnType<typeof runVerification>>, id: string) => run.checks.find((entry) => entry.id === id)!;

  beforeAll(async () => {
    database = await createTestDatabase(e2eDatabase().adminUrl, `ai_commons_isolation_${process.pid}`);
    // A tight brake on failed authentications: the gateway probe's polls for its new keys must not trip it.
    gateway = await createGateway(testConfig(database, { GATEWAY_USAGE_FLUSH_MS: '50', AUTH_FAILURE_BURST: '2', AUTH_FAILURE_REFILL_PER_SECOND: '0.5' }), {
      logger: silent(),
      port: 0,
    });
    controlPlane = await createControlPlane(
      testConfig(database, { SEED_DEMO_CONSORTIUM: 'true', GATEWAY_URL: gateway.url, ISOLATION_SCHEDULE_MS: '0', AUDIT_TREE_HEAD_INTERVAL_MS: '200' }),
      { logger: silent(), port: 0 },
    );
    adminToken = await userToken('platform-admin');
    await eventually(async () => (await sql('select count(*)::int as n from audit_tree_heads'))[0].n > 0, 20_000);
  }, 120_000);
  afterAll(async () => {
    await controlPlane?.close();
    await gateway?.close();
    await dropTestDatabase(e2eDatabase().adminUrl, database.name);
  });

  it('passes every check on the demo consortium, signs the report, stores and serves it', async () => {
    const run = await runVerification();
    const notPassing = run.checks.filter((entry) => entry.status !== 'pass').map((entry) => `${entry.id}: ${entry.summary}`);
    expect(notPassing).toEqual([]);
    expect(run.status).toBe('passed');
    expect(run.checks.map((entry) => entry.id)).toEqual(
      expect.arrayContaining([
        'rls.tenant-tables',
        'rls.app-role',
        'rls.serving-role-privileges',
        'rls.tenant-unique-keys',
        'probe.sql-canaries',
        'probe.no-scope',
        'probe.pooled-connection',
        'probe.graphql',
        'probe.gateway',
        'endpoints.dedicated',
        'endpoints.credential-sharing',
        'endpoints.sensitive-data-localisation',
        'endpoints.authority-confirmation',
        'secrets.credentials-encrypted',
        'secrets.no-plaintext-prompts',
        'audit.tree-head',
      ]),
    );
    // The probes really probed: 3 institutions, 2 others each, over GraphQL and the gateway.
    expect(JSON.parse(check(run, 'probe.graphql').evidenceJson).probes.length).toBeGreaterThanOrEqual(9);
    expect(JSON.parse(check(run, 'probe.sql-canaries').evidenceJson).writes).toHaveLength(3);
    // The serving role tried to ALTER, DISABLE TRIGGER, SET ROLE to the owners and read with row_security off: each refused, in the report.
    const privileges = JSON.parse(check(run, 'rls.serving-role-privileges').evidenceJson) as {
      role: string;
      attempts: { statement: string; sqlstate: string }[];
      allowed: string[];
      ownerMemberOfAuditOwner: boolean;
    };
    expect(privileges).toMatchObject({ role: 'ai_commons_app', allowed: [], ownerMemberOfAuditOwner: false });
    expect(privileges.attempts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ statement: 'alter table "audit_events" disable trigger user', sqlstate: '42501' }),
        expect.objectContaining({ statement: 'set role "ai_commons_owner"', sqlstate: '42501' }),
        expect.objectContaining({ statement: 'set local row_security = off; select count(*) from "institutions"', sqlstate: '42501' }),
      ]),
    );

    // Download: the JSON verifies against the published key; the stored run is listed.
    const response = await fetch(`${controlPlane.url}/isolation/reports/${run.id}.json`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(response.status).toBe(200);
    const signed = (await response.json()) as { report: Record<string, unknown>; signature: { value: string; sha256: string; publicKeyPem: string } };
    expect(signed.signature.sha256).toBe(run.reportSha256);
    expect(verifyReport(signed.report, signed.signature, createPublicKey(signed.signature.publicKeyPem))).toBe(true);
    expect(verifyReport({ ...signed.report, status: 'failed' }, signed.signature, createPublicKey(signed.signature.publicKeyPem))).toBe(false);
    expect(signed.report).toMatchObject({
      purpose: 'ai-commons/isolation-report',
      runId: run.id,
      status: 'passed',
      environment: { appRole: 'ai_commons_app' },
    });
    // A run that does not exist is a clear 404, not an opaque 500.
    const missing = await fetch(`${controlPlane.url}/isolation/reports/00000000-0000-4000-8000-000000000000.json`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'not-found', reason: 'RUN_NOT_FOUND', message: expect.stringContaining('00000000-0000-4000-8000-000000000000') },
    });

    const listed = await graphqlRequest<{ isolationRuns: { edges: { node: { id: string } }[] } }>(
      controlPlane.url,
      'query { isolationRuns(first: 5) { edges { node { id } } } }',
      { token: adminToken },
    );
    expect(listed.data!.isolationRuns.edges.map((edge) => edge.node.id)).toContain(run.id);
    const [audited] = await sql(`select outcome, details from audit_events where action = 'isolation.verification.run' and resource_id = $1`, [run.id]);
    expect(audited.details).toMatchObject({ status: 'passed', fail: 0 });

    // A second run checks consistency with the tree head the first saw.
    const second = await runVerification();
    expect(JSON.parse(check(second, 'audit.tree-head').evidenceJson).consistency).toMatchObject({ result: 'valid' });

    // Runs are a Relay connection: one run per page walks them all, newest first, once each.
    type RunPage = { isolationRuns: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const runsPage = async (after?: string) =>
      (
        await graphqlRequest<RunPage>(
          controlPlane.url,
          'query($after: String) { isolationRuns(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
          { token: adminToken, variables: { after } },
        )
      ).data!.isolationRuns;
    const walked: string[] = [];
    for (let page = await runsPage(); ; page = await runsPage(page.pageInfo.endCursor!)) {
      walked.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
    }
    expect(walked.slice(0, 2)).toEqual([second.id, run.id]);
    expect(new Set(walked).size).toBe(walked.length);
  });

  it("a regulator's run writes an audit record in every institution it probes; its probe keys are short-lived and revoked, as the report shows", async () => {
    const regulator = await userToken('regulator');
    const response = await graphqlRequest<{ startIsolationVerification: any }>(controlPlane.url, `mutation { startIsolationVerification { ${RUN_FIELDS} } }`, {
      token: regulator,
    });
    expect(response.errors).toBeUndefined();
    const run = response.data!.startIsolationVerification;
    const institutions = await sql<{ id: string; slug: string }>(`select id, slug from institutions where status <> 'offboarded' order by slug`);

    const audited = await sql(
      `select tenant_id, actor, resource_id, details from audit_events where action = 'isolation.verification.probe' and details->>'runId' = $1 order by tenant_id`,
      [run.id],
    );
    expect(audited.map((row) => row.tenant_id).sort()).toEqual(institutions.map((institution) => institution.id).sort());
    for (const row of audited) {
      expect(row.resource_id).toBe(row.tenant_id);
      expect(row.actor).toMatchObject({ username: 'regulator', roles: ['regulator'] });
      expect(row.details).toMatchObject({ trigger: 'on-demand', probes: expect.arrayContaining(['probe.gateway', 'probe.graphql', 'probe.sql-canaries']) });
    }

    const download = await fetch(`${controlPlane.url}/isolation/reports/${run.id}.json`, { headers: { authorization: `Bearer ${regulator}` } });
    const { report } = (await download.json()) as { report: { checks: { id: string; evidence: { probeKeys: any[] } }[] } };
    const probeKeys = report.checks.find((entry) => entry.id === 'probe.gateway')!.evidence.probeKeys;
    expect(probeKeys.map((key) => key.institution).sort()).toEqual(institutions.map((institution) => institution.slug).sort());
    for (const key of probeKeys) {
      expect(Date.parse(key.expiresAt) - Date.parse(key.createdAt)).toBeLessThanOrEqual(120_000);
      expect(Date.parse(key.revokedAt)).toBeGreaterThanOrEqual(Date.parse(key.createdAt));
    }
    const stored = await sql(`select revoked_at from api_keys where id = any($1::uuid[])`, [probeKeys.map((key) => key.keyId)]);
    expect(stored).toHaveLength(probeKeys.length);
    expect(stored.every((row) => row.revoked_at !== null)).toBe(true);
  });

  it('fails rls.tenant-tables when RLS is disabled on a tenant table, and raises an alert', async () => {
    await sql('alter table api_keys no force row level security');
    try {
      const run = await runVerification();
      expect(run.status).toBe('failed');
      expect(check(run, 'rls.tenant-tables')).toMatchObject({ status: 'fail', summary: expect.stringContaining('api_keys') });
      const alerts = await graphqlRequest<{ isolationAlerts: { edges: { node: { runId: string; checkId: string } }[] } }>(
        controlPlane.url,
        'query { isolationAlerts(open: true) { edges { node { runId checkId } } } }',
        { token: adminToken },
      );
      expect(alerts.data!.isolationAlerts.edges.map((edge) => edge.node)).toContainEqual({ runId: run.id, checkId: 'rls.tenant-tables' });
    } finally {
      await sql('alter table api_keys force row level security');
    }
  });

  it('fails endpoints.credential-sharing when two institutions share an upstream credential', async () => {
    const [hanbit] = await sql(
      `select e.id, e.credential_fingerprint from endpoints e join institutions i on i.id = e.tenant_id where i.slug = 'hanbit-bank' and e.name = 'llama-3.1-70b'`,
    );
    const [nuri] = await sql(
      `select e.id, e.credential_fingerprint from endpoints e join institutions i on i.id = e.tenant_id where i.slug = 'nuri-insurance' and e.name = 'llama-3.1-70b'`,
    );
    await sql('update endpoints set credential_fingerprint = $1 where id = $2', [hanbit.credential_fingerprint, nuri.id]);
    try {
      const run = await runVerification();
      expect(check(run, 'endpoints.credential-sharing')).toMatchObject({
        status: 'fail',
        summary: expect.stringContaining('hanbit-bank/llama-3.1-70b & nuri-insurance/llama-3.1-70b'),
      });
    } finally {
      await sql('update endpoints set credential_fingerprint = $1 where id = $2', [nuri.credential_fingerprint, nuri.id]);
    }
  });

  it('fails endpoints.sensitive-data-localisation for a foreign-region endpoint that may receive personal credit data', async () => {
    const [offering] = await sql(`select o.id, o.region from model_offerings o join models m on m.id = o.model_id where m.name = 'exaone-3.5-32b'`);
    // The offering moves abroad, and a policy version without the domestic-only rules is published.
    const lax = { ...DEFAULT_POLICY, version: 2, rules: DEFAULT_POLICY.rules.filter((rule) => !rule.id.startsWith('personal-credit')) };
    await sql(`update model_offerings set region = 'US' where id = $1`, [offering.id]);
    await sql(`insert into data_policy_versions (policy_id, version, document, published_by) values ($1, 2, $2, 'tests')`, [
      DEFAULT_POLICY.policyId,
      JSON.stringify(lax),
    ]);
    try {
      const run = await runVerification();
      const result = check(run, 'endpoints.sensitive-data-localisation');
      expect(result.status).toBe('fail');
      expect(JSON.parse(result.evidenceJson).violations).toContainEqual(
        expect.objectContaining({ institution: 'hanbit-bank', endpoint: 'exaone-3.5-32b', classification: 'personal-credit', decision: 'allow' }),
      );
    } finally {
      await sql('delete from data_policy_versions');
      await sql(`update model_offerings set region = $2 where id = $1`, [offering.id, offering.region]);
    }
  });

  it('fails secrets.credentials-encrypted when a credential is stored in plain text', async () => {
    const [endpoint] = await sql(
      `select e.id, e.credential_ciphertext from endpoints e join institutions i on i.id = e.tenant_id where i.slug = 'gaon-securities'`,
    );
    await sql('update endpoints set credential_ciphertext = $1 where id = $2', [Buffer.from('sk-plaintext-upstream-secret'), endpoint.id]);
    try {
      const run = await runVerification();
      const result = check(run, 'secrets.credentials-encrypted');
      expect(result.status).toBe('fail');
      expect(JSON.parse(result.evidenceJson).problems).toContainEqual(expect.objectContaining({ endpoint: endpoint.id }));
    } finally {
      await sql('update endpoints set credential_ciphertext = $1 where id = $2', [endpoint.credential_ciphertext, endpoint.id]);
    }
  });

  it('refuses members: only platform admins and regulators start runs', async () => {
    const member = await userToken('hanbit-bank-analyst').catch(() => undefined);
    if (!member) return;
    const response = await graphqlRequest(controlPlane.url, 'mutation { startIsolationVerification { id } }', { token: member });
    expect(response.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});
