import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createTreeHead,
  generateSigningKeyPair,
  keyIdOf,
  privateKeyToPem,
  publicKeyToPem,
  publicKeyToRaw,
  signTreeHead,
  type SigningKeyPair,
} from '@ai-commons/audit-proofs';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { createTestDatabase, dropTestDatabase, graphqlRequest, userToken, withPg, type TestDatabase } from '@ai-commons/testing';
import { e2eDatabase } from './support/environment';
import { downloadBundle, failureCodes, runAuditVerifier, scratchDirectory, settleAuditLog, startControlPlaneOn } from './support/audit-support';

interface PublishedKey {
  keyId: string;
  known: boolean;
  pem: string | null;
  base64: string | null;
  current: boolean;
  treeHeadCount: number;
  firstTreeSize: number | null;
  lastTreeSize: number | null;
  firstSignedAt: string | null;
  lastSignedAt: string | null;
}

const KEYS_QUERY = `{ auditPublicKeys { keyId known pem base64 current treeHeadCount firstTreeSize lastTreeSize firstSignedAt lastSignedAt }
  auditPublicKey { keyId } }`;

/**
 * Signing-key rotation end to end: a control plane signs heads with key A; it is replaced by one
 * signing with key B that publishes A as retired (AUDIT_RETIRED_PUBLIC_KEYS). Exports spanning the
 * rotation verify offline with A and B pinned, and fail with B alone — though the bundle carries A.
 */
describe('audit signing-key rotation', () => {
  const adminUrl = e2eDatabase().adminUrl;
  let database: TestDatabase;
  let work: string;
  let keyA: SigningKeyPair;
  let keyB: SigningKeyPair;
  let pinnedA: string;
  let pinnedB: string;
  let controlPlane: ControlPlane | undefined;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  let auditCheckBeforeBSigned: { status: string; summary: string };

  /** After the rotation: B signs, A is published as retired. */
  const rotatedEnv = () => ({
    AUDIT_SIGNING_KEY: privateKeyToPem(keyB.privateKey),
    AUDIT_RETIRED_PUBLIC_KEYS: publicKeyToRaw(keyA.publicKey).toString('base64'),
  });

  /** The isolation verification's audit.tree-head check (it verifies the latest head's signature). */
  async function isolationAuditCheck(): Promise<{ status: string; summary: string }> {
    const response = await graphqlRequest<{ startIsolationVerification: { checks: { id: string; status: string; summary: string }[] } }>(
      controlPlane!.url,
      'mutation { startIsolationVerification { checks { id status summary } } }',
      { token: tokens['platform-admin'] },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.startIsolationVerification.checks.find((check) => check.id === 'audit.tree-head')!;
  }

  /** A few admin changes, then a signed head over them. */
  async function changeInstitutionsAndSeal(round: string): Promise<void> {
    for (const slug of ['hanbit-bank', 'nuri-insurance']) {
      const response = await graphqlRequest(
        controlPlane!.url,
        `mutation($id: ID!, $name: String!) { updateInstitution(id: $id, input: { nameEn: $name }) { id } }`,
        {
          token: tokens['platform-admin'],
          variables: { id: ids[slug], name: `${slug} ${round} ${randomBytes(2).toString('hex')}` },
        },
      );
      expect(response.errors).toBeUndefined();
    }
    await settleAuditLog([controlPlane!.audit], database.superuserUrl);
  }

  beforeAll(async () => {
    database = await createTestDatabase(adminUrl, `ai_commons_audit_rotation_${process.pid}`);
    work = await scratchDirectory();
    for (const user of ['platform-admin', 'regulator', 'hanbit-bank-admin']) tokens[user] = await userToken(user);
    [keyA, keyB] = [generateSigningKeyPair(), generateSigningKeyPair()];
    pinnedA = path.join(work, 'key-a.pem');
    pinnedB = path.join(work, 'key-b.pem');
    // Pinned copies as a regulator would keep them, obtained out of band (one PEM, one raw base64).
    await writeFile(pinnedA, publicKeyToPem(keyA.publicKey));
    await writeFile(pinnedB, publicKeyToRaw(keyB.publicKey).toString('base64'));

    controlPlane = await startControlPlaneOn(database, { AUDIT_SIGNING_KEY: privateKeyToPem(keyA.privateKey) });
    await withPg(database.superuserUrl, async (client) => {
      for (const row of (await client.query('select id, slug from institutions')).rows) ids[row.slug] = row.id;
    });
    for (const round of ['a1', 'a2']) await changeInstitutionsAndSeal(round);
    await controlPlane.close();

    // The rotation: the sequencer holder restarts with key B, and publishes A as retired.
    // First without a sequencer: the latest head is still A's, as just after any restart.
    controlPlane = await startControlPlaneOn(database, { ...rotatedEnv(), AUDIT_SEQUENCER_ENABLED: 'false' });
    auditCheckBeforeBSigned = await isolationAuditCheck();
    await controlPlane.close();
    controlPlane = await startControlPlaneOn(database, rotatedEnv());
    for (const round of ['b1', 'b2']) await changeInstitutionsAndSeal(round);
  }, 120_000);
  afterAll(async () => {
    await controlPlane?.close();
    if (database) await dropTestDatabase(adminUrl, database.name);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('stores heads signed by A, then by B', async () => {
    const keyIds = await withPg(database.superuserUrl, async (client) =>
      (await client.query(`select key_id from audit_tree_heads order by tree_size, signed_at`)).rows.map((row) => row.key_id as string),
    );
    const firstB = keyIds.indexOf(keyIdOf(keyB.publicKey));
    expect(firstB).toBeGreaterThan(0);
    expect(new Set(keyIds.slice(0, firstB))).toEqual(new Set([keyIdOf(keyA.publicKey)]));
    expect(new Set(keyIds.slice(firstB))).toEqual(new Set([keyIdOf(keyB.publicKey)]));
  });

  it('the isolation verification checks a latest head signed by the retired key with that key', () => {
    expect(auditCheckBeforeBSigned).toMatchObject({ status: 'pass', summary: expect.stringContaining('verifies') });
  });

  it('a full and a filtered export spanning the rotation carry both keys and verify with A and B pinned', async () => {
    const full = await downloadBundle(controlPlane!.url, tokens['regulator'], {}, work);
    const filtered = await downloadBundle(controlPlane!.url, tokens['hanbit-bank-admin'], {}, work);
    for (const bundle of [full, filtered]) {
      const bundledKeys = JSON.parse(await readFile(path.join(bundle.directory, 'public-keys.json'), 'utf8')) as { keyId: string; pem: string }[];
      expect(bundledKeys.map((key) => key.keyId)).toEqual([keyIdOf(keyA.publicKey), keyIdOf(keyB.publicKey)]);
      expect(await readFile(path.join(bundle.directory, 'public-key.pem'), 'utf8')).toBe(publicKeyToPem(keyB.publicKey));

      const outcome = await runAuditVerifier(bundle.directory, [pinnedA, pinnedB]);
      expect({ code: outcome.code, failures: outcome.report?.failures, stderr: outcome.stderr }).toEqual({ code: 0, failures: [], stderr: '' });
      const heads = outcome.report!.counts['treeHeads']!;
      expect(outcome.report!.counts['signaturesVerified']).toBe(heads);
      // Every pair of consecutive heads, the A → B boundary included, has its consistency proof checked.
      expect(outcome.report!.counts['consistencyProofsVerified']).toBe(heads - 1);
    }
  });

  it('fails with only B pinned, naming key A as not pinned', async () => {
    const full = await downloadBundle(controlPlane!.url, tokens['regulator'], {}, work);
    const outcome = await runAuditVerifier(full.directory, pinnedB);
    expect(outcome.code).toBe(1);
    expect(failureCodes(outcome)).toEqual(['TREE_HEAD_SIGNATURE_INVALID']);
    expect(outcome.report!.failures[0]!.message).toContain(`signed by key ${keyIdOf(keyA.publicKey)}, which is not pinned`);
  });

  // The key listings are compared with counts of audit_tree_heads: from here on no sequencer runs
  // (a head signed between the answers and the count would make them differ), so the log is fixed.
  describe('with the log fixed (no sequencer running)', () => {
    beforeAll(async () => {
      await controlPlane?.close();
      controlPlane = await startControlPlaneOn(database, { ...rotatedEnv(), AUDIT_SEQUENCER_ENABLED: 'false' });
    }, 60_000);

    it('GraphQL lists both public keys with the heads each signed, to every audit reader; auditPublicKey is the current one', async () => {
      const answers = await Promise.all(
        ['regulator', 'hanbit-bank-admin', 'platform-admin'].map((user) => graphqlRequest(controlPlane!.url, KEYS_QUERY, { token: tokens[user] })),
      );
      for (const answer of answers) expect(answer.errors).toBeUndefined();
      const keys = (answers[0]!.data as { auditPublicKeys: PublishedKey[] }).auditPublicKeys;
      expect(answers.map((answer) => answer.data)).toEqual([answers[0]!.data, answers[0]!.data, answers[0]!.data]);
      expect((answers[0]!.data as { auditPublicKey: { keyId: string } }).auditPublicKey.keyId).toBe(keyIdOf(keyB.publicKey));

      const [current, retired] = keys;
      expect(keys).toHaveLength(2);
      expect(current).toMatchObject({
        keyId: keyIdOf(keyB.publicKey),
        known: true,
        current: true,
        pem: publicKeyToPem(keyB.publicKey),
        base64: publicKeyToRaw(keyB.publicKey).toString('base64'),
      });
      expect(retired).toMatchObject({ keyId: keyIdOf(keyA.publicKey), known: true, current: false, pem: publicKeyToPem(keyA.publicKey) });
      const spans = await withPg(
        database.superuserUrl,
        async (client) =>
          (
            await client.query(
              `select key_id, count(*)::int as n, min(tree_size)::int as first, max(tree_size)::int as last from audit_tree_heads group by key_id`,
            )
          ).rows,
      );
      for (const key of keys) {
        const span = spans.find((row) => row.key_id === key.keyId);
        expect(key).toMatchObject({ treeHeadCount: span.n, firstTreeSize: span.first, lastTreeSize: span.last });
        expect(Date.parse(key.firstSignedAt!)).toBeLessThanOrEqual(Date.parse(key.lastSignedAt!));
      }
      expect(retired!.lastTreeSize!).toBeLessThanOrEqual(current!.firstTreeSize!);
      expect(Date.parse(retired!.lastSignedAt!)).toBeLessThanOrEqual(Date.parse(current!.firstSignedAt!));
    });

    it('lists heads signed by a key id the platform does not know too (known: false, no key), so the whole history shows', async () => {
      // A head by a key neither current nor retired, as after a rotation that forgot to retire the old key.
      const stranger = generateSigningKeyPair();
      const head = signTreeHead(createTreeHead(1, randomBytes(32), new Date('2026-01-01T00:00:00Z')), stranger.privateKey);
      await withPg(database.superuserUrl, (client) =>
        client.query(`insert into audit_tree_heads (tree_size, signed_at, root_hash, key_id, signature) values ($1, $2, $3, $4, $5)`, [
          head.treeSize,
          new Date(head.timestamp),
          Buffer.from(head.rootHash, 'hex'),
          head.keyId,
          head.signature,
        ]),
      );
      const answer = await graphqlRequest<{ auditPublicKeys: PublishedKey[] }>(controlPlane!.url, KEYS_QUERY, { token: tokens['regulator'] });
      expect(answer.errors).toBeUndefined();
      const keys = answer.data!.auditPublicKeys;
      expect(keys.map((key) => [key.keyId, key.known, key.current])).toEqual([
        [keyIdOf(keyB.publicKey), true, true],
        [keyIdOf(keyA.publicKey), true, false],
        [keyIdOf(stranger.publicKey), false, false],
      ]);
      expect(keys[2]).toEqual({
        keyId: keyIdOf(stranger.publicKey),
        known: false,
        current: false,
        pem: null,
        base64: null,
        treeHeadCount: 1,
        firstTreeSize: 1,
        lastTreeSize: 1,
        firstSignedAt: '2026-01-01T00:00:00.000Z',
        lastSignedAt: '2026-01-01T00:00:00.000Z',
      });
      const [{ n }] = await withPg(database.superuserUrl, async (client) => (await client.query(`select count(*)::int as n from audit_tree_heads`)).rows);
      expect(keys.reduce((sum, key) => sum + key.treeHeadCount, 0)).toBe(n);
    });
  });
});
