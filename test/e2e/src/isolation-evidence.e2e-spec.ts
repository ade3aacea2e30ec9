import { createPublicKey } from 'node:crypto';
import { createControlPlane, type ControlPlane } from '@ai-commons/control-plane-server';
import { createGateway, type Gateway } from '@ai-commons/gateway-server';
import { createTestDatabase, dropTestDatabase, graphqlRequest, testConfig, userToken, withPg, type TestDatabase } from '@ai-commons/testing';
import { JsonLogger } from '@ai-commons/observability';
import { verifyReport } from '@ai-commons/isolation';
import { e2eDatabase, eventually } from './support/environment';

/** A tenant's own isolation evidence: the latest signed report's checks that concern it, nothing of the others. */
describe('myIsolationEvidence (tenant-scoped isolation read)', () => {
  let database: TestDatabase;
  let controlPlane: ControlPlane;
  let gateway: Gateway;
  let institutions: { id: string; slug: string }[];
  const silent = () => new JsonLogger('test', 'error', () => undefined);
  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) =>
    withPg(database.superuserUrl, async (pg) => (await pg.query(text, params)).rows as T[]);
  const EVIDENCE =
    'myIsolationEvidence { institutionId institutionSlug runId status reportSha256 signingKeyId signature checks { id concern status summary evidenceJson } documentJson }';
  const evidenceOf = async (user: string) =>
    graphqlRequest<{ myIsolationEvidence: any }>(controlPlane.url, `{ ${EVIDENCE} }`, { token: await userToken(user) });

  beforeAll(async () => {
    database = await createTestDatabase(e2eDatabase().adminUrl, `ai_commons_isolation_evidence_${process.pid}`);
    gateway = await createGateway(testConfig(database, { GATEWAY_USAGE_FLUSH_MS: '50', AUTH_FAILURE_BURST: '2', AUTH_FAILURE_REFILL_PER_SECOND: '0.5' }), {
      logger: silent(),
      port: 0,
    });
    controlPlane = await createControlPlane(
      testConfig(database, { SEED_DEMO_CONSORTIUM: 'true', GATEWAY_URL: gateway.url, ISOLATION_SCHEDULE_MS: '0', AUDIT_TREE_HEAD_INTERVAL_MS: '200' }),
      { logger: silent(), port: 0 },
    );
    await eventually(async () => (await sql('select count(*)::int as n from audit_tree_heads'))[0].n > 0, 20_000);
    institutions = await sql(`select id::text, slug from institutions where status <> 'offboarded'`);
  }, 120_000);
  afterAll(async () => {
    await controlPlane?.close();
    await gateway?.close();
    await dropTestDatabase(e2eDatabase().adminUrl, database.name);
  });

  it('is null before any report, then the latest signed report’s checks of the caller’s own institution only', async () => {
    const before = await evidenceOf('hanbit-bank-admin');
    expect(before.errors).toBeUndefined();
    expect(before.data!.myIsolationEvidence).toBeNull();

    const started = await graphqlRequest<{ startIsolationVerification: { id: string; reportSha256: string } }>(
      controlPlane.url,
      'mutation { startIsolationVerification { id reportSha256 } }',
      { token: await userToken('platform-admin') },
    );
    expect(started.errors).toBeUndefined();
    const run = started.data!.startIsolationVerification;

    for (const [user, slug] of [
      ['hanbit-bank-admin', 'hanbit-bank'],
      ['nuri-insurance-analyst', 'nuri-insurance'],
    ] as const) {
      const response = await evidenceOf(user);
      expect(response.errors).toBeUndefined();
      const evidence = response.data!.myIsolationEvidence;
      const self = institutions.find((institution) => institution.slug === slug)!;
      expect(evidence).toMatchObject({ institutionId: self.id, institutionSlug: slug, runId: run.id, reportSha256: run.reportSha256 });
      expect(evidence.checks.map((check: { id: string }) => check.id)).toEqual(
        expect.arrayContaining(['probe.sql-canaries', 'probe.graphql', 'probe.pooled-connection']),
      );
      // Its own probes are there; no other institution's id or slug anywhere in the answer.
      expect(JSON.parse(evidence.checks.find((check: { id: string }) => check.id === 'probe.sql-canaries').evidenceJson).writes.length).toBeGreaterThan(0);
      const text = JSON.stringify(evidence);
      for (const other of institutions.filter((institution) => institution.slug !== slug)) {
        expect(text).not.toContain(other.id);
        expect(text).not.toContain(other.slug);
      }
      expect(JSON.parse(evidence.documentJson)).toMatchObject({
        purpose: 'ai-commons/isolation-evidence',
        runId: run.id,
        reportSha256: run.reportSha256,
        institution: { id: self.id, slug },
      });
    }

    // The supervisor matches the extract against the whole signed report.
    const download = await fetch(`${controlPlane.url}/isolation/reports/${run.id}.json`, {
      headers: { authorization: `Bearer ${await userToken('regulator')}` },
    });
    const signed = (await download.json()) as {
      report: { checks: { id: string; status: string }[] };
      signature: { value: string; sha256: string; publicKeyPem: string };
    };
    expect(verifyReport(signed.report, signed.signature, createPublicKey(signed.signature.publicKeyPem))).toBe(true);
    const mine = (await evidenceOf('hanbit-bank-admin')).data!.myIsolationEvidence;
    expect(signed.signature).toMatchObject({ sha256: mine.reportSha256, value: mine.signature });
    for (const check of mine.checks) expect(signed.report.checks.find((entry) => entry.id === check.id)?.status).toBe(check.status);
  }, 300_000);

  it('refuses callers without an institution; tenant admins still read no other isolation query', async () => {
    for (const user of ['regulator', 'platform-admin']) {
      const response = await evidenceOf(user);
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const runs = await graphqlRequest(controlPlane.url, '{ isolationRuns { edges { node { id } } } }', { token: await userToken('hanbit-bank-admin') });
    expect(runs.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
