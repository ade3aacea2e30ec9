import type { KeyObject } from 'node:crypto';
import { Client } from 'pg';
import {
  appendLeaves,
  createTreeHead,
  EMPTY_FRONTIER,
  frontierFromNodeLookup,
  frontierRoot,
  rootHashBytes,
  rootPlan,
  signTreeHead,
  type Frontier,
  type NodeHash,
  type SignedTreeHead,
} from '@ai-commons/audit-proofs';
import { EVENT_COLUMNS, leafOf, storedEventFromRow, type AuditEventRow } from '../events/audit-event';
import { SILENT_LOGGER, type AuditLogger } from '../audit-logger';
import { queryableOfPg, type Queryable } from '../storage/queryable';
import { fetchNodes, latestTreeHead } from '../storage/tree-store';

/** Leaves hashed between two yields to the event loop. */
const HASH_SLICE = 500;

/** pg_try_advisory_lock(key1, key2) of the one sequencer per database ("audi", 1). */
export const SEQUENCER_LOCK = [0x61756469, 1] as const;

export interface AuditSequencerOptions {
  /** App-role connection URL; the sequencer keeps one dedicated connection that holds the lock. */
  connectionString: string;
  signingKey: KeyObject;
  /** Pause between sequencing passes while holding the lock. */
  intervalMs: number;
  /** Sign a head at most this long after new events… */
  treeHeadIntervalMs: number;
  /** …and at least this often when nothing happens. */
  heartbeatMs: number;
  /** Events per transaction. */
  batchSize?: number;
  /** How often a process without the lock tries to take it. */
  lockRetryMs?: number;
  logger?: AuditLogger;
  applicationName?: string;
}

export interface SequencerStatus {
  holdsLock: boolean;
  treeSize: number | null;
  latestTreeHead: SignedTreeHead | null;
}

interface Watermark {
  /** write_xid of the last sequenced event, as text (xid8). */
  xid: string;
  seq: string;
}

interface SequencerState {
  frontier: Frontier;
  watermark: Watermark;
  head: SignedTreeHead | null;
}

type SequencedRow = AuditEventRow & { write_xid: string; seq: string };

/**
 * Gives committed audit events their place in the log, in one process at a time (the holder of a
 * session advisory lock on a dedicated connection; everyone else retries now and then).
 *
 * Events are written by business transactions that commit concurrently and may roll back, so
 * leaf indexes are never assigned there. Each event records the id of the transaction that wrote
 * it (`write_xid`); every transaction older than the snapshot's xmin has ended, so the events with
 * `write_xid < xmin` that are visible now are final, and any event committed later has a
 * write_xid ≥ xmin. The sequencer takes them in (write_xid, seq) order after its watermark — the
 * last sequenced event — assigns consecutive leaf indexes, hashes each leaf over its canonical
 * JSON, and appends the leaves (which carry the watermark) and the completed perfect subtrees in
 * one statement. Tree heads are signed at most `treeHeadIntervalMs` after new leaves,
 * and every `heartbeatMs` regardless.
 */
export class AuditSequencer {
  /** Holds the lock; appends leaves, nodes and heads. */
  private client?: Client;
  /** Reads the next batch of events while the previous one is being appended. */
  private reader?: Client;
  private holding = false;
  private state?: SequencerState;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private readonly batchSize: number;
  private readonly logger: AuditLogger;

  constructor(private readonly options: AuditSequencerOptions) {
    this.batchSize = options.batchSize ?? 5_000;
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the loop, waits for a pass in progress and releases the lock (by closing the connection). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.disconnect();
  }

  status(): SequencerStatus {
    return {
      holdsLock: this.holding,
      treeSize: this.state?.frontier.treeSize ?? null,
      latestTreeHead: this.state?.head ?? null,
    };
  }

  /**
   * One pass, as the loop runs it: take the lock if free, sequence everything final, sign a head
   * when due (or, with `forceTreeHead`, whenever the tree grew since the last head). Returns false
   * when another process holds the lock.
   */
  runOnce(options: { forceTreeHead?: boolean } = {}): Promise<boolean> {
    const pass = (this.running ?? Promise.resolve()).catch(() => undefined).then(() => this.pass(options.forceTreeHead ?? false));
    this.running = pass.then(
      () => undefined,
      () => undefined,
    );
    return pass;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runOnce().then(
        (holding) => this.schedule(holding ? this.options.intervalMs : (this.options.lockRetryMs ?? 2_000)),
        (error: unknown) => {
          this.logger.event('error', 'audit.sequencer.failed', { error: (error as Error).message });
          this.schedule(this.options.lockRetryMs ?? 2_000);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  private async pass(forceTreeHead: boolean): Promise<boolean> {
    if (!(await this.acquire())) return false;
    const query = queryableOfPg(this.client!);
    try {
      this.state ??= await this.loadState(query);
      this.reader ??= await this.connect('reader');
      await this.drain(query, queryableOfPg(this.reader), this.state);
      await this.maybeSignTreeHead(query, this.state, forceTreeHead);
      return true;
    } catch (error) {
      // Reload from the database next time: memory may be ahead of (or behind) what committed.
      this.state = undefined;
      throw error;
    }
  }

  private async acquire(): Promise<boolean> {
    if (this.holding && this.client) return true;
    this.client ??= await this.connect('lock');
    const [row] = await queryableOfPg(this.client)<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [...SEQUENCER_LOCK]);
    this.holding = Boolean(row?.locked);
    if (this.holding) {
      this.state = undefined;
      this.logger.event('info', 'audit.sequencer.lock_acquired');
    }
    return this.holding;
  }

  private async connect(role: 'lock' | 'reader'): Promise<Client> {
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: `${this.options.applicationName ?? 'ai-commons-audit-sequencer'}${role === 'reader' ? '-reader' : ''}`,
      statement_timeout: 60_000,
      connectionTimeoutMillis: 5_000,
      // These connections belong to the platform's own service: they read every institution's events.
      options: '-c app.cross_tenant=system',
    });
    client.on('error', (error) => {
      this.logger.event('warn', 'audit.sequencer.connection_lost', { role, error: error.message });
      void this.disconnect();
    });
    try {
      await client.connect();
      // Every query here reads a few rows by index (the next events after the watermark, the last
      // leaf, O(log n) tree nodes). The planner underestimates the rows after the watermark and
      // would scan and sort the whole table instead, so indexes are imposed; and batches of
      // thousands of rows would otherwise be JIT-compiled at a cost above their own.
      await client.query('set jit = off; set enable_seqscan = off; set enable_bitmapscan = off; set enable_sort = off');
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private async disconnect(): Promise<void> {
    const clients = [this.client, this.reader];
    this.client = undefined;
    this.reader = undefined;
    this.holding = false;
    this.state = undefined;
    await Promise.all(clients.map((client) => client?.end().catch(() => undefined)));
  }

  private async loadState(query: Queryable): Promise<SequencerState> {
    const [last] = await query<{ leaf_index: string; event_xid: string; event_seq: string }>(
      'select leaf_index, event_xid::text as event_xid, event_seq from audit_leaves order by leaf_index desc limit 1',
    );
    const treeSize = last ? Number(last.leaf_index) + 1 : 0;
    const nodes = await fetchNodes(query, rootPlan(treeSize));
    return {
      frontier: treeSize === 0 ? EMPTY_FRONTIER : frontierFromNodeLookup(treeSize, nodes),
      watermark: last ? { xid: last.event_xid, seq: last.event_seq } : { xid: '0', seq: '0' },
      head: await latestTreeHead(query),
    };
  }

  /**
   * Sequences every final event, batchSize at a time. The events are immutable, so they are read
   * outside a transaction, on a second connection: the next batch is read while the previous one
   * is appended. Each batch's leaves (which carry the watermark) and completed subtrees are
   * appended by one statement, in one implicit transaction. Hashing yields to the event loop now
   * and then: in a gateway, requests keep flowing while a large batch is hashed.
   */
  private async drain(write: Queryable, read: Queryable, state: SequencerState): Promise<void> {
    let rows = await this.readBatch(read, state.watermark);
    while (rows.length > 0) {
      const first = state.frontier.treeSize;
      const leafHashes: Buffer[] = [];
      for (let i = 0; i < rows.length; i++) {
        if (i > 0 && i % HASH_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
        leafHashes.push(leafOf(storedEventFromRow(rows[i]!), first + i).hash);
      }
      const appended = appendLeaves(state.frontier, leafHashes);
      const last = rows[rows.length - 1]!;
      const watermark = { xid: last.write_xid, seq: last.seq };
      const appending = this.appendBatch(write, rows, first, leafHashes, appended.completedNodes);
      const next = rows.length === this.batchSize ? this.readBatch(read, watermark) : Promise.resolve([]);
      next.catch(() => undefined); // if the append fails first, this result is dropped
      await appending;
      state.frontier = appended.frontier;
      state.watermark = watermark;
      rows = await next;
    }
  }

  private readBatch(read: Queryable, watermark: Watermark): Promise<SequencedRow[]> {
    return read<SequencedRow>(
      `select ${EVENT_COLUMNS}, e.write_xid::text as write_xid, e.seq
         from audit_events e
        where e.write_xid >= $1::xid8 and (e.write_xid > $1::xid8 or e.seq > $2::bigint)
          and e.write_xid < pg_snapshot_xmin(pg_current_snapshot())
        order by e.write_xid, e.seq
        limit $3`,
      [watermark.xid, watermark.seq, this.batchSize],
    );
  }

  private async appendBatch(write: Queryable, rows: SequencedRow[], first: number, leafHashes: Buffer[], completed: readonly NodeHash[]): Promise<void> {
    const interior = completed.filter((node) => node.level > 0);
    await write(
      `with leaves as (
         insert into audit_leaves (leaf_index, event_id, leaf_hash, event_xid, event_seq)
         select * from unnest($1::bigint[], $2::uuid[], $3::bytea[], $4::xid8[], $5::bigint[]))
       insert into audit_tree_nodes (level, index, hash) select * from unnest($6::smallint[], $7::bigint[], $8::bytea[])`,
      [
        rows.map((_, i) => first + i),
        rows.map((row) => row.id),
        leafHashes,
        rows.map((row) => row.write_xid),
        rows.map((row) => row.seq),
        interior.map((node) => node.level),
        interior.map((node) => node.index),
        interior.map((node) => Buffer.from(node.hash)),
      ],
    );
  }

  /** The latest signed tree head this sequencer knows (undefined while it does not hold the lock or has not loaded). */
  get latestTreeHead(): SignedTreeHead | undefined {
    return this.state?.head ?? undefined;
  }

  /** Leaves appended so far, as this sequencer knows (0 while it does not hold the lock). */
  get treeSize(): number {
    return this.state?.frontier.treeSize ?? 0;
  }

  private async maybeSignTreeHead(query: Queryable, state: SequencerState, force: boolean): Promise<void> {
    const now = Date.now();
    const head = state.head;
    const headTime = head ? Date.parse(head.timestamp) : -Infinity;
    const grew = !head || state.frontier.treeSize > head.treeSize;
    const due = !head || (grew && (force || now - headTime >= this.options.treeHeadIntervalMs)) || now - headTime >= this.options.heartbeatMs;
    if (!due) return;
    // Never earlier than the previous head: heads are ordered by size and by time.
    const at = new Date(Math.max(now, headTime === -Infinity ? now : headTime + (grew ? 0 : 1)));
    const signed = signTreeHead(createTreeHead(state.frontier.treeSize, frontierRoot(state.frontier), at), this.options.signingKey);
    await query('insert into audit_tree_heads (tree_size, signed_at, root_hash, key_id, signature) values ($1, $2, $3, $4, $5)', [
      signed.treeSize,
      at,
      rootHashBytes(signed),
      signed.keyId,
      signed.signature,
    ]);
    state.head = signed;
  }
}
