import { Client } from 'pg';

/** A two-key advisory lock, as `pg_advisory_lock(key1, key2)` takes it (each a signed int4). */
export type AdvisoryLockKey = readonly [number, number];

export interface HeldAdvisoryLockOptions {
  /** App-role URL. A direct session: a transaction-mode pooler would not keep the session (hence the lock) ours. */
  connectionString: string;
  key: AdvisoryLockKey;
  /** The lock connection's application_name (operators see who holds what in pg_stat_activity). */
  applicationName: string;
  /**
   * The holder proves it is alive this often (ms): a `select 1` on the lock's session. The server
   * ends a session idle for 3 × this (idle_session_timeout), so a holder that froze or was cut off
   * loses the lock within that bound, as a dead one loses it at once.
   */
  keepAliveMs: number;
  /** Called once if the session ends before `release` (connection lost, keep-alive failed). */
  onLost?: (error: Error) => void;
}

/**
 * Whether any session of this database holds the lock. Advisory locks belong to a database, and
 * pg_locks lists every database's: hence the filter. The int4 pair form is `objsubid = 2`, with each
 * key as an unsigned oid.
 */
export const ADVISORY_LOCK_HELD_SQL = `select exists (select 1 from pg_locks where locktype = 'advisory' and granted
  and database = (select oid from pg_database where datname = current_database())
  and classid = ($1::bigint & 4294967295)::oid and objid = ($2::bigint & 4294967295)::oid and objsubid = 2) as held`;

/** Asks pg_locks, on any connection to the database (`query` as TypeORM's or pg's pool answers: the rows). */
export async function isAdvisoryLockHeld(query: (text: string, parameters: unknown[]) => Promise<unknown>, key: AdvisoryLockKey): Promise<boolean> {
  const rows = (await query(ADVISORY_LOCK_HELD_SQL, [...key])) as { held: boolean }[];
  return rows[0]?.held === true;
}

/**
 * A session-level advisory lock held on a dedicated connection for as long as some work lasts: the
 * server releases it when the holder releases it, when its process dies (the connection closes) or
 * when the holder stops proving it is alive (keep-alive). Others learn whether the work is still
 * owned by asking pg_locks (`isAdvisoryLockHeld`), not the holder.
 */
export class HeldAdvisoryLock {
  private timer?: NodeJS.Timeout;
  private released = false;
  private lostError?: Error;

  private constructor(
    private readonly client: Client,
    private readonly options: HeldAdvisoryLockOptions,
  ) {}

  /** Takes the lock without waiting; throws if another session holds it or the database is unreachable. */
  static async acquire(options: HeldAdvisoryLockOptions): Promise<HeldAdvisoryLock> {
    const client = new Client({
      connectionString: options.connectionString,
      application_name: options.applicationName,
      connectionTimeoutMillis: 5_000,
      query_timeout: Math.max(1_000, options.keepAliveMs),
      keepAlive: true,
      options: `-c idle_session_timeout=${Math.max(1_000, options.keepAliveMs * 3)}`,
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [...options.key]);
      if (rows[0]?.locked !== true) throw new Error(`advisory lock (${options.key.join(', ')}) is held by another session`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    const lock = new HeldAdvisoryLock(client, options);
    client.on('error', (error) => lock.lose(error));
    lock.timer = setInterval(() => {
      client.query('select 1').catch((error: Error) => lock.lose(error));
    }, options.keepAliveMs);
    lock.timer.unref();
    return lock;
  }

  /** Set once the session ended before `release`: the lock is no longer ours. */
  get lost(): Error | undefined {
    return this.lostError;
  }

  /** Releases the lock by ending its session. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    await this.client.end().catch(() => undefined);
  }

  private lose(error: Error): void {
    if (this.released || this.lostError) return;
    this.lostError = error;
    clearInterval(this.timer);
    void this.client.end().catch(() => undefined);
    this.options.onLost?.(error);
  }
}
