import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { appendLeaves, EMPTY_FRONTIER, frontierRoot, importPublicKey, toHex, verifyTreeHead } from '@ai-commons/audit-proofs';
import { AuditKeys, AuditSequencer, EVENT_COLUMNS, leafOf, storedEventFromRow, type AuditEventRow } from '@ai-commons/audit';
import { withPg } from '@ai-commons/testing';
import { e2eDatabase } from './support/environment';

/**
 * The sequencer against real concurrency: business transactions that commit out of order, roll
 * back, or stay open; two sequencers (two processes) competing for the lock; a holder that stops.
 */
describe('audit sequencer', () => {
  const keys = AuditKeys.fromConfig({ AI_COMMONS_PROFILE: 'demo' });
  const sequencers: AuditSequencer[] = [];
  const newSequencer = () => {
    const sequencer = new AuditSequencer({
      connectionString: e2eDatabase().appUrl,
      signingKey: keys.signingKey,
      intervalMs: 50,
      treeHeadIntervalMs: 10,
      heartbeatMs: 3_600_000,
      lockRetryMs: 50,
    });
    sequencers.push(sequencer);
    return sequencer;
  };
  afterAll(() => Promise.all(sequencers.map((sequencer) => sequencer.stop())));

  const superuser = <T = any>(sql: string, parameters: unknown[] = []) =>
    withPg(e2eDatabase().superuserUrl, async (client) => (await client.query(sql, parameters)).rows as T[]);

  /** A business transaction as the app role (platform-admin scope) that writes one event. */
  async function writeEvent(client: Client, marker: string): Promise<string> {
    const id = randomUUID();
    await client.query(`select set_config('app.cross_tenant', 'admin', true)`);
    await client.query(
      `insert into audit_events (id, actor, action, resource_type, resource_id, outcome) values ($1, '{"subject":"sequencer-test"}', 'test.event', 'test', $2, 'success')`,
      [id, marker],
    );
    return id;
  }

  async function inTransaction<T>(work: (client: Client) => Promise<T>, outcome: 'commit' | 'rollback' = 'commit'): Promise<T> {
    return withPg(e2eDatabase().appUrl, async (client) => {
      await client.query('begin');
      const result = await work(client);
      await client.query(outcome);
      return result;
    });
  }

  const leafOfEvent = async (id: string) =>
    (await superuser<{ leaf_index: number }>(`select leaf_index::int from audit_leaves where event_id = $1`, [id]))[0]?.leaf_index;

  it('sequences only final events, gap-free, each committed event exactly once, never a rolled-back one', async () => {
    const marker = `seq-${randomUUID()}`;
    const [first, second] = [newSequencer(), newSequencer()];
    expect(await first.runOnce()).toBe(true);
    expect(await second.runOnce()).toBe(false); // the first holds the lock
    const startSize = first.status().treeSize!;

    // A transaction that stays open: everything that commits after it began must wait for it.
    const open = await withPg(e2eDatabase().appUrl, async (held) => {
      await held.query('begin');
      const heldId = await writeEvent(held, marker);
      const committed = await Promise.all(Array.from({ length: 12 }, () => inTransaction((client) => writeEvent(client, marker))));
      const rolledBack = await Promise.all(Array.from({ length: 4 }, () => inTransaction((client) => writeEvent(client, marker), 'rollback')));
      await first.runOnce();
      // Nothing written after the open transaction began is final yet.
      expect(await leafOfEvent(heldId)).toBeUndefined();
      for (const id of committed) expect(await leafOfEvent(id)).toBeUndefined();
      await held.query('commit');
      return { heldId, committed, rolledBack };
    });

    await first.runOnce({ forceTreeHead: true });
    const rows = await superuser<{ id: string; leaf_index: number }>(
      `select e.id, l.leaf_index::int from audit_events e left join audit_leaves l on l.event_id = e.id where e.resource_id = $1`,
      [marker],
    );
    expect(rows.map((row) => row.id).sort()).toEqual([open.heldId, ...open.committed].sort());
    expect(rows.every((row) => row.leaf_index !== null && row.leaf_index >= startSize)).toBe(true);
    // The transaction that began first was sequenced first.
    expect(rows.find((row) => row.id === open.heldId)!.leaf_index).toBe(Math.min(...rows.map((row) => row.leaf_index)));

    const [leaves] = await superuser(`select count(*)::int as n, max(leaf_index)::int as hi, count(distinct event_id)::int as events from audit_leaves`);
    expect(leaves).toEqual({ n: leaves.hi + 1, hi: leaves.hi, events: leaves.hi + 1 });
  });

  it('a second sequencer takes over when the holder stops, and the tree stays the one the leaves make', async () => {
    const marker = `takeover-${randomUUID()}`;
    const [holder, standby] = sequencers.length ? [sequencers[0]!, sequencers[1]!] : [newSequencer(), newSequencer()];
    await inTransaction((client) => writeEvent(client, marker));
    expect(await holder.runOnce()).toBe(true);
    await holder.stop();
    await inTransaction((client) => writeEvent(client, marker));
    expect(await standby.runOnce({ forceTreeHead: true })).toBe(true);
    expect(
      (await superuser(`select count(*)::int as n from audit_events e join audit_leaves l on l.event_id = e.id where e.resource_id = $1`, [marker]))[0].n,
    ).toBe(2);

    // Recompute the whole tree from the stored events (as an export would) and compare with the
    // latest signed head, which the standby signed over the holder's leaves and its own.
    const events = await superuser<AuditEventRow & { leaf_index: string }>(
      `select ${EVENT_COLUMNS}, l.leaf_index from audit_leaves l join audit_events e on e.id = l.event_id order by l.leaf_index`,
    );
    const tree = appendLeaves(
      EMPTY_FRONTIER,
      events.map((row) => leafOf(storedEventFromRow(row), Number(row.leaf_index)).hash),
    );
    const [head] = await superuser(
      `select tree_size::int, signed_at, encode(root_hash, 'hex') as root, key_id, signature from audit_tree_heads order by tree_size desc, signed_at desc limit 1`,
    );
    expect(head.tree_size).toBe(events.length);
    expect(toHex(frontierRoot(tree.frontier))).toBe(head.root);
    expect(() =>
      verifyTreeHead(
        { treeSize: head.tree_size, timestamp: head.signed_at.toISOString(), rootHash: head.root, keyId: head.key_id, signature: head.signature },
        importPublicKey(keys.publicKeyPem),
      ),
    ).not.toThrow();
  });
});
