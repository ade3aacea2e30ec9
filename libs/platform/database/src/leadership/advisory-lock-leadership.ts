import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { decideLeadership, type LeadershipEvent, type LeadershipState } from './leadership-decision';

/** Periodic work that must run in one replica at a time. */
export interface LeaderJob {
  /** Called when this replica becomes the leader. */
  start(): void | Promise<void>;
  /** Called when leadership ends (lost or stopped): stop the schedule and work in flight. */
  stop(): void | Promise<void>;
}

export interface LeadershipLog {
  (level: 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>): void;
}

export interface AdvisoryLockLeadershipOptions {
  /** App-role URL: the lock lives on one dedicated connection of its own. */
  connectionString: string;
  /** Names the job: its lock key (unless `lockKey`), its connection's application_name, its log events. */
  name: string;
  /** pg advisory lock (key1, key2); default: leadershipLockKey(name). */
  lockKey?: readonly [number, number];
  /** How often a follower tries to take the lock (ms). */
  retryMs?: number;
  /** How often the leader checks it still holds the lock (ms). */
  checkMs?: number;
  log?: LeadershipLog;
}

/** key1 of every leadership lock: "lead". */
const LEADERSHIP_NAMESPACE = 0x6c656164;

/** A stable advisory lock key for a job name: ("lead", first 4 bytes of sha256(name)). */
export function leadershipLockKey(name: string): readonly [number, number] {
  return [LEADERSHIP_NAMESPACE, createHash('sha256').update(name).digest().readInt32BE(0)];
}

/**
 * One leader per job across replicas, by a PostgreSQL session-level advisory lock held on a
 * dedicated connection. A follower tries pg_try_advisory_lock every `retryMs`; the leader checks
 * every `checkMs` that its connection answers and still holds the lock, and stops the job as soon
 * as that fails. Hand-over needs no coordination: when the leader dies (crash, SIGKILL) the server
 * sees its connection close and releases the lock, and a follower takes it within `retryMs`. A
 * leader that is alive but cut off stops its job within `checkMs` + the query timeout; the server
 * ends its idle session after `idle_session_timeout` (3 × checkMs), which frees the lock for others.
 */
export class AdvisoryLockLeadership {
  private state: LeadershipState = 'stopped';
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  private readonly key: readonly [number, number];
  private readonly timing: { retryMs: number; checkMs: number };
  private readonly log: LeadershipLog;

  constructor(
    private readonly options: AdvisoryLockLeadershipOptions,
    private readonly job: LeaderJob,
  ) {
    this.key = options.lockKey ?? leadershipLockKey(options.name);
    this.timing = { retryMs: options.retryMs ?? 5_000, checkMs: options.checkMs ?? 2_000 };
    this.log = options.log ?? (() => undefined);
  }

  get isLeader(): boolean {
    return this.state === 'leader';
  }

  /** Starts competing for leadership (the first attempt now). Idempotent. */
  start(): void {
    if (this.state !== 'stopped') return;
    this.state = 'follower';
    this.schedule(0);
  }

  /** Stops the job if leading and releases the lock (by closing the connection). */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.handle({ kind: 'stop' });
  }

  private schedule(delayMs: number | null): void {
    clearTimeout(this.timer);
    if (delayMs === null) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.state === 'stopped') return;
    const event: LeadershipEvent =
      this.state === 'follower' ? { kind: 'attempt', acquired: await this.tryLock() } : { kind: 'check', held: await this.holdsLock() };
    // stop() may have run meanwhile: a lock taken after it must not outlive it.
    if ((this.state as LeadershipState) === 'stopped') return this.closeConnection();
    await this.handle(event);
  }

  /** Serialised: one decision at a time, its actions carried out before the next. */
  private handle(event: LeadershipEvent): Promise<void> {
    const next = this.chain.then(async () => {
      const before = this.state;
      const step = decideLeadership(before, event, this.timing);
      this.state = step.state;
      for (const action of step.actions) {
        if (action === 'start-job') {
          this.log('info', 'leadership.acquired', { job: this.options.name });
          await this.safely('start', () => this.job.start());
        } else if (action === 'stop-job') {
          this.log(event.kind === 'stop' ? 'info' : 'warn', event.kind === 'stop' ? 'leadership.released' : 'leadership.lost', { job: this.options.name });
          await this.safely('stop', () => this.job.stop());
        } else {
          await this.closeConnection();
        }
      }
      this.schedule(step.nextInMs);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async safely(what: string, work: () => void | Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.log('error', `leadership.job_${what}_failed`, { job: this.options.name, error: (error as Error).message });
    }
  }

  private async tryLock(): Promise<boolean> {
    try {
      const client = (this.client ??= await this.connect());
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [...this.key]);
      return rows[0]?.locked === true;
    } catch (error) {
      this.log('warn', 'leadership.attempt_failed', { job: this.options.name, error: (error as Error).message });
      await this.closeConnection();
      return false;
    }
  }

  private async holdsLock(): Promise<boolean> {
    const client = this.client;
    if (!client) return false;
    try {
      const { rows } = await client.query<{ held: boolean }>(
        `select exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted
                          and classid = ($1::bigint & 4294967295)::oid and objid = ($2::bigint & 4294967295)::oid and objsubid = 2) as held`,
        [...this.key],
      );
      return rows[0]?.held === true;
    } catch {
      return false;
    }
  }

  private async connect(): Promise<Client> {
    const idleTimeout = Math.max(1_000, this.timing.checkMs * 3);
    const client = new Client({
      connectionString: this.options.connectionString,
      // The pid tells operators (and the multi-replica test) which process leads.
      application_name: `ai-commons-leader-${this.options.name}-${process.pid}`,
      connectionTimeoutMillis: 5_000,
      query_timeout: Math.max(1_000, this.timing.checkMs),
      keepAlive: true,
      // A leader that stops checking (frozen, cut off) loses its session, hence the lock.
      options: `-c idle_session_timeout=${idleTimeout}`,
    });
    client.on('error', (error) => {
      this.log('warn', 'leadership.connection_lost', { job: this.options.name, error: error.message });
      if (this.client === client) void this.handle({ kind: 'connection-lost' });
    });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private async closeConnection(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
