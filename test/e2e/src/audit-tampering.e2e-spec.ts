import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Client } from 'pg';
import { appendLeaves, createTreeHead, EMPTY_FRONTIER, generateSigningKeyPair, signTreeHead } from '@ai-commons/audit-proofs';
import { EVENT_COLUMNS, leafOf, storedEventFromRow, type AuditEventRow } from '@ai-commons/audit';
import { APP_ROLE, OWNER_ROLE, urlForRole } from '@ai-commons/database';
import {
  TEST_APP_PASSWORD,
  TEST_OWNER_PASSWORD,
  createTestDatabase,
  dropTestDatabase,
  graphqlRequest,
  userToken,
  withPg,
  type TestDatabase,
} from '@ai-commons/testing';
import { e2eDatabase } from './support/environment';
import {
  downloadBundle,
  failureCodes,
  runAuditVerifier,
  savePublicKey,
  scratchDirectory,
  settleAuditLog,
  startControlPlaneOn,
  tamper,
  type VerifierOutcome,
} from './support/audit-support';

/**
 * Someone with superuser access edits the audit tables directly (switching off the append-only
 * triggers); the next export bundle must fail offline verification against the pinned key.
 *
 * Every scenario runs on its own copy (CREATE DATABASE … TEMPLATE) of one prepared log, so the
 * shared e2e database is never tampered with.
 */
describe('tampering with the audit log in PostgreSQL is caught by the offline verifier', () => {
  const adminUrl = e2eDatabase().adminUrl;
  const baseName = `ai_commons_audit_tamper_${process.pid}`;
  let base: TestDatabase;
  let work: string;
  let publicKeyPath: string;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    base = await createTestDatabase(adminUrl, baseName);
    work = await scratchDirectory();
    for (const user of ['platform-admin', 'regulator', 'hanbit-bank-admin']) tokens[user] = await userToken(user);
    const controlPlane = await startControlPlaneOn(base);
    try {
      await withPg(base.superuserUrl, async (client) => {
        for (const row of (await client.query('select id, slug from institutions')).rows) ids[row.slug] = row.id;
      });
      // Several rounds of admin changes, each sealed by a signed tree head: a log with a history.
      for (let round = 0; round < 4; round++) {
        for (const slug of ['hanbit-bank', 'nuri-insurance', 'hanbit-bank']) {
          const response = await graphqlRequest(
            controlPlane.url,
            `mutation($id: ID!, $name: String!) { updateInstitution(id: $id, input: { nameEn: $name }) { id } }`,
            {
              token: tokens['platform-admin'],
              variables: { id: ids[slug], name: `${slug} round ${round} ${randomBytes(2).toString('hex')}` },
            },
          );
          expect(response.errors).toBeUndefined();
        }
        await settleAuditLog([controlPlane.audit], base.superuserUrl);
      }
      publicKeyPath = await savePublicKey(controlPlane.url, work);
    } finally {
      await controlPlane.close();
    }
  });
  afterAll(async () => {
    if (base) await dropTestDatabase(adminUrl, base.name);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A fresh copy of the prepared log, tampered by `statements`, exported twice and verified. */
  async function scenario(name: string, statements?: (client: Client) => Promise<void>): Promise<{ full: VerifierOutcome; filtered: VerifierOutcome }> {
    const copy = await copyDatabase(base, `${baseName}_${name}`);
    try {
      if (statements) await tamper(copy.superuserUrl, statements);
      // No sequencer: the export shows the tampered log as it is, not extended.
      const controlPlane = await startControlPlaneOn(copy, { AUDIT_SEQUENCER_ENABLED: 'false' });
      try {
        const full = await downloadBundle(controlPlane.url, tokens['regulator'], {}, work);
        const filtered = await downloadBundle(controlPlane.url, tokens['hanbit-bank-admin'], {}, work);
        return { full: await runAuditVerifier(full.directory, publicKeyPath), filtered: await runAuditVerifier(filtered.directory, publicKeyPath) };
      } finally {
        await controlPlane.close();
      }
    } finally {
      await dropTestDatabase(adminUrl, copy.name);
    }
  }

  async function copyDatabase(template: TestDatabase, name: string): Promise<TestDatabase> {
    await withPg(adminUrl, async (client) => {
      await client.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [template.name]);
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.query(`create database "${name}" template "${template.name}" owner ${OWNER_ROLE}`);
    });
    const superuser = new URL(adminUrl);
    superuser.pathname = `/${name}`;
    return {
      name,
      adminUrl,
      superuserUrl: superuser.toString(),
      ownerUrl: urlForRole(adminUrl, OWNER_ROLE, TEST_OWNER_PASSWORD, name),
      appUrl: urlForRole(adminUrl, APP_ROLE, TEST_APP_PASSWORD, name),
    };
  }

  /** Leaf index of a sequenced event of `slug` in the middle of the log (not among the first or last heads). */
  async function middleEvent(client: Client, slug: string): Promise<{ id: string; leafIndex: number }> {
    const rows = await client.query(
      `select e.id, l.leaf_index::int as leaf_index from audit_events e join audit_leaves l on l.event_id = e.id where e.tenant_id = $1 order by l.leaf_index`,
      [ids[slug]],
    );
    const row = rows.rows[Math.floor(rows.rows.length / 2)];
    return { id: row.id, leafIndex: row.leaf_index };
  }

  const ok = (outcome: VerifierOutcome) => ({ code: outcome.code, failures: failureCodes(outcome) });

  it('an untouched copy verifies (full and one institution’s bundle)', async () => {
    const { full, filtered } = await scenario('untouched');
    expect(ok(full)).toEqual({ code: 0, failures: [] });
    expect(ok(filtered)).toEqual({ code: 0, failures: [] });
    expect(full.report!.counts.events).toBeGreaterThan(20);
    expect(full.report!.counts.treeHeads).toBeGreaterThanOrEqual(4);
    expect(filtered.report!.counts.inclusionProofsVerified).toBeGreaterThan(5);
  });

  it('an edited row', async () => {
    const { full, filtered } = await scenario('edit', async (client) => {
      const target = await middleEvent(client, 'hanbit-bank');
      await client.query(`update audit_events set details = '{"before":{},"after":{"nameEn":"nothing happened"}}' where id = $1`, [target.id]);
    });
    expect(ok(full)).toMatchObject({ code: 1, failures: expect.arrayContaining(['TREE_ROOT_MISMATCH']) });
    expect(ok(filtered)).toMatchObject({ code: 1, failures: expect.arrayContaining(['INCLUSION_PROOF_INVALID']) });
  });

  it('an edited actor, even with its leaf hash and every stored tree node recomputed to match', async () => {
    const { full, filtered } = await scenario('edit-rehash', async (client) => {
      const target = await middleEvent(client, 'hanbit-bank');
      await client.query(`update audit_events set actor = jsonb_set(actor, '{username}', '"someone-else"') where id = $1`, [target.id]);
      const [row] = (await client.query(`select ${EVENT_COLUMNS} from audit_events e where e.id = $1`, [target.id])).rows as AuditEventRow[];
      await client.query(`update audit_leaves set leaf_hash = $1 where leaf_index = $2`, [
        leafOf(storedEventFromRow(row!), target.leafIndex).hash,
        target.leafIndex,
      ]);
      // Rebuild every stored subtree hash over the tampered leaves: the stored tree is consistent again.
      const leaves = (await client.query(`select leaf_hash from audit_leaves order by leaf_index`)).rows.map((leaf) => leaf.leaf_hash as Buffer);
      const interior = appendLeaves(EMPTY_FRONTIER, leaves).completedNodes.filter((node) => node.level > 0);
      await client.query(`delete from audit_tree_nodes`);
      for (const node of interior) {
        await client.query(`insert into audit_tree_nodes (level, index, hash) values ($1, $2, $3)`, [node.level, node.index, Buffer.from(node.hash)]);
      }
    });
    // The stored tree is self-consistent, but leads to roots nobody signed.
    expect(ok(full)).toMatchObject({ code: 1, failures: expect.arrayContaining(['TREE_ROOT_MISMATCH']) });
    expect(ok(filtered)).toMatchObject({ code: 1, failures: expect.arrayContaining(['INCLUSION_PROOF_INVALID']) });
  });

  it('a deleted event (from the middle, or the last one)', async () => {
    const middle = await scenario('delete', async (client) => {
      const target = await middleEvent(client, 'hanbit-bank');
      await client.query(`delete from audit_leaves where event_id = $1`, [target.id]);
      await client.query(`delete from audit_events where id = $1`, [target.id]);
    });
    expect(ok(middle.full)).toMatchObject({ code: 1, failures: expect.arrayContaining(['LEAF_INDEX_GAP', 'TREE_ROOT_MISMATCH']) });
    // The deleted leaf's hash is part of proofs (between heads, or of its neighbours) even in one institution's bundle.
    expect(middle.filtered.code).toBe(1);
    expect(failureCodes(middle.filtered).some((code) => code === 'INCLUSION_PROOF_INVALID' || code === 'CONSISTENCY_PROOF_INVALID')).toBe(true);

    const eventOnly = await scenario('delete-event', async (client) => {
      const target = await middleEvent(client, 'hanbit-bank');
      await client.query(`delete from audit_events where id = $1`, [target.id]);
    });
    expect(ok(eventOnly.full)).toMatchObject({ code: 1, failures: expect.arrayContaining(['LEAF_INDEX_GAP', 'TREE_ROOT_MISMATCH']) });
    // One institution's bundle cannot show what is missing from it (apps/audit-verifier/README.md):
    // that is what the full export, or comparing counts with the institution's own records, is for.
    expect(eventOnly.filtered.code).toBe(0);

    const last = await scenario('delete-last', async (client) => {
      const [row] = (await client.query(`select event_id from audit_leaves order by leaf_index desc limit 1`)).rows;
      await client.query(`delete from audit_leaves where event_id = $1`, [row.event_id]);
      await client.query(`delete from audit_events where id = $1`, [row.event_id]);
    });
    expect(ok(last.full)).toMatchObject({ code: 1, failures: expect.arrayContaining(['RANGE_PROOF_INVALID']) });
  });

  it('two events swapped (reordered log)', async () => {
    const { full, filtered } = await scenario('reorder', async (client) => {
      const rows = (
        await client.query(
          `select l.leaf_index::int as leaf_index, l.event_id from audit_leaves l join audit_events e on e.id = l.event_id where e.tenant_id = $1 order by l.leaf_index`,
          [ids['hanbit-bank']],
        )
      ).rows;
      const [a, b] = [rows[2], rows[rows.length - 3]];
      await client.query(`update audit_leaves set event_id = $1 where leaf_index = $2`, [randomUUID(), a.leaf_index]);
      await client.query(`update audit_leaves set event_id = $1 where leaf_index = $2`, [a.event_id, b.leaf_index]);
      await client.query(`update audit_leaves set event_id = $1 where leaf_index = $2`, [b.event_id, a.leaf_index]);
    });
    expect(ok(full)).toMatchObject({ code: 1, failures: expect.arrayContaining(['TREE_ROOT_MISMATCH']) });
    expect(ok(filtered)).toMatchObject({ code: 1, failures: expect.arrayContaining(['INCLUSION_PROOF_INVALID']) });
  });

  it('a forged event inserted into the middle of the log (later leaves shifted, its leaf hash computed)', async () => {
    const { full, filtered } = await scenario('forge', async (client) => {
      const target = await middleEvent(client, 'hanbit-bank');
      await client.query(`update audit_leaves set leaf_index = leaf_index + 1000000000 where leaf_index >= $1`, [target.leafIndex]);
      await client.query(`update audit_leaves set leaf_index = leaf_index - 999999999 where leaf_index >= 1000000000`);
      const forged = randomUUID();
      await client.query(
        `insert into audit_events (id, tenant_id, occurred_at, actor, action, resource_type, resource_id, outcome, details)
         select $1, $2::uuid, occurred_at, actor, 'institution.update', 'institution', $2::text, 'success', '{"after":{"investedCapitalKrw":"1"}}'
           from audit_events where id = $3`,
        [forged, ids['hanbit-bank'], target.id],
      );
      const [row] = (await client.query(`select ${EVENT_COLUMNS} from audit_events e where e.id = $1`, [forged])).rows as AuditEventRow[];
      await client.query(
        `insert into audit_leaves (leaf_index, event_id, leaf_hash, event_xid, event_seq) select $1, $2, $3, write_xid, seq from audit_events where id = $2`,
        [target.leafIndex, forged, leafOf(storedEventFromRow(row!), target.leafIndex).hash],
      );
    });
    expect(ok(full)).toMatchObject({ code: 1, failures: expect.arrayContaining(['TREE_ROOT_MISMATCH']) });
    expect(ok(filtered)).toMatchObject({ code: 1, failures: expect.arrayContaining(['INCLUSION_PROOF_INVALID']) });
  });

  it('a forged event appended with a tree head the forger signed with another key', async () => {
    const { full, filtered } = await scenario('forge-head', async (client) => {
      const [last] = (await client.query(`select max(leaf_index)::int as leaf_index from audit_leaves`)).rows;
      const leafIndex = last.leaf_index + 1;
      const forged = randomUUID();
      await client.query(
        `insert into audit_events (id, tenant_id, actor, action, resource_type, resource_id, outcome, details)
         values ($1, $2::uuid, '{"subject":"system"}', 'institution.update', 'institution', $2::text, 'success', '{}')`,
        [forged, ids['hanbit-bank']],
      );
      const [row] = (await client.query(`select ${EVENT_COLUMNS} from audit_events e where e.id = $1`, [forged])).rows as AuditEventRow[];
      const leafHash = leafOf(storedEventFromRow(row!), leafIndex).hash;
      await client.query(
        `insert into audit_leaves (leaf_index, event_id, leaf_hash, event_xid, event_seq) select $1, $2, $3, write_xid, seq from audit_events where id = $2`,
        [leafIndex, forged, leafHash],
      );
      // Any root will do: the forger cannot sign with the log's key.
      const attacker = generateSigningKeyPair();
      const head = signTreeHead(createTreeHead(leafIndex + 1, randomBytes(32), new Date()), attacker.privateKey);
      await client.query(`insert into audit_tree_heads (tree_size, signed_at, root_hash, key_id, signature) values ($1, $2, $3, $4, $5)`, [
        head.treeSize,
        new Date(head.timestamp),
        Buffer.from(head.rootHash, 'hex'),
        head.keyId,
        head.signature,
      ]);
    });
    for (const outcome of [full, filtered]) {
      expect(ok(outcome)).toMatchObject({ code: 1, failures: expect.arrayContaining(['TREE_HEAD_SIGNATURE_INVALID']) });
    }
  });

  it('a replaced tree head', async () => {
    const { full, filtered } = await scenario('replace-head', async (client) => {
      const heads = (await client.query(`select tree_size, signed_at from audit_tree_heads order by tree_size, signed_at`)).rows;
      const target = heads[Math.floor(heads.length / 2)];
      await client.query(`update audit_tree_heads set root_hash = $1 where tree_size = $2 and signed_at = $3`, [
        randomBytes(32),
        target.tree_size,
        target.signed_at,
      ]);
    });
    for (const outcome of [full, filtered]) {
      expect(ok(outcome)).toMatchObject({ code: 1, failures: expect.arrayContaining(['TREE_HEAD_SIGNATURE_INVALID']) });
    }
  });
});
