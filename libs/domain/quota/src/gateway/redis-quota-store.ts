import { Redis } from 'ioredis';
import type { AdmissionDecision, AdmissionPolicy, AdmissionRequest, LimiterState, Reservation } from '@ai-commons/quota-allocator';
import { applyOps, type QuotaOp, type QuotaStore } from './quota-store';

/**
 * Compare-and-set of a pool's state: writes ARGV[2] as the new state if the stored version is still
 * ARGV[1], and answers {1, newVersion}; otherwise answers {0, currentVersion, currentState} so the
 * caller can redo its decisions on the fresh state without another round trip.
 */
const CAS_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'v') or '0'
if current == ARGV[1] then
  local nextVersion = tostring(tonumber(current) + 1)
  redis.call('HSET', KEYS[1], 'v', nextVersion, 's', ARGV[2])
  return {1, nextVersion}
end
return {0, current, redis.call('HGET', KEYS[1], 's') or ''}
`;

export class QuotaStoreUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'QuotaStoreUnavailableError';
  }
}

interface PendingOp {
  op: QuotaOp;
  policy: AdmissionPolicy;
  resolve(decision: AdmissionDecision | undefined): void;
  reject(error: Error): void;
}

interface Lane {
  version: string;
  state: LimiterState | undefined;
  queue: PendingOp[];
  running: boolean;
}

export interface RedisQuotaStoreOptions {
  url: string;
  /**
   * Sentinels to ask for the current primary of `sentinelMaster` (followed across failovers); the
   * url then gives only the user, password (for the Sentinels too) and database.
   */
  sentinels?: readonly { host: string; port: number }[];
  sentinelMaster?: string;
  keyPrefix: string;
  /** Batches redone on a fresher state before the batch is refused as unavailable. */
  maxAttempts?: number;
  clock?: () => number;
}

function connectRedis(options: RedisQuotaStoreOptions): Redis {
  const behaviour = { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true } as const;
  if (!options.sentinels?.length) return new Redis(options.url, behaviour);
  const url = new URL(options.url);
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  return new Redis({
    ...behaviour,
    sentinels: options.sentinels.map(({ host, port }) => ({ host, port })),
    name: options.sentinelMaster ?? 'ai-commons',
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password,
    sentinelPassword: password,
    db: Number(url.pathname.slice(1) || 0),
  });
}

/**
 * The shared store: each pool's LimiterState (JSON) lives in one Redis hash with a version. Every
 * gateway keeps the last state it saw, runs the allocator's pure admit()/reconcile() on it in Node,
 * and commits the result with an atomic compare-and-set script. A commit against a version someone
 * else already replaced fails and returns the current state; the decisions are then made again on
 * it. Decisions are therefore serialisable across all instances: the shared store adds no
 * over-admission of its own (see libs/domain/quota/README.md for the bound and its derivation).
 *
 * Within one process, requests for a pool queue up and are decided in batches: all waiting
 * operations are applied in order to the state and committed with one CAS (group commit), so one
 * round trip serves many decisions under load.
 */
export class RedisQuotaStore implements QuotaStore {
  readonly kind = 'redis' as const;
  readonly redis: Redis;
  private readonly lanes = new Map<string, Lane>();
  private readonly maxAttempts: number;
  private readonly clock: () => number;
  /** Commits that had to be redone on a fresher state (diagnostics, benchmark). */
  conflicts = 0;
  commits = 0;

  constructor(private readonly options: RedisQuotaStoreOptions) {
    this.redis = connectRedis(options);
    this.redis.on('error', () => undefined); // surfaced per command
    this.redis.defineCommand('quotaCas', { numberOfKeys: 1, lua: CAS_SCRIPT });
    this.maxAttempts = options.maxAttempts ?? 50;
    this.clock = options.clock ?? Date.now;
  }

  key(poolKey: string): string {
    return `${this.options.keyPrefix}:pool:${poolKey}`;
  }

  async admit(poolKey: string, policy: AdmissionPolicy, request: AdmissionRequest): Promise<AdmissionDecision> {
    return (await this.enqueue(poolKey, policy, { kind: 'admit', request }))!;
  }

  async reconcile(poolKey: string, policy: AdmissionPolicy, reservation: Reservation, actualTokens: number): Promise<void> {
    await this.enqueue(poolKey, policy, { kind: 'reconcile', reservation, actualTokens });
  }

  lastSeenState(poolKey: string): LimiterState | undefined {
    return this.lanes.get(poolKey)?.state;
  }

  async snapshot(poolKey: string, policy: AdmissionPolicy): Promise<LimiterState> {
    const raw = await this.redis.hget(this.key(poolKey), 's');
    return applyOps(policy, raw ? (JSON.parse(raw) as LimiterState) : undefined, [], this.clock()).state;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.lanes.values()].map((lane) => (lane.running ? new Promise((resolve) => setTimeout(resolve, 50)) : undefined)));
    this.redis.disconnect();
  }

  private enqueue(poolKey: string, policy: AdmissionPolicy, op: QuotaOp): Promise<AdmissionDecision | undefined> {
    let lane = this.lanes.get(poolKey);
    if (!lane) this.lanes.set(poolKey, (lane = { version: '-1', state: undefined, queue: [], running: false }));
    const promise = new Promise<AdmissionDecision | undefined>((resolve, reject) => lane!.queue.push({ op, policy, resolve, reject }));
    if (!lane.running) void this.drain(poolKey, lane);
    return promise;
  }

  private async drain(poolKey: string, lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (lane.queue.length) {
        const batch = lane.queue.splice(0);
        try {
          const decisions = await this.commitBatch(poolKey, lane, batch);
          batch.forEach((pending, index) => pending.resolve(decisions[index]));
        } catch (error) {
          const failure = error instanceof QuotaStoreUnavailableError ? error : new QuotaStoreUnavailableError('quota store unavailable', error);
          batch.forEach((pending) => pending.reject(failure));
        }
      }
    } finally {
      lane.running = false;
    }
  }

  private async commitBatch(poolKey: string, lane: Lane, batch: PendingOp[]): Promise<(AdmissionDecision | undefined)[]> {
    // The newest policy in the batch decides for all of it (policies change rarely; all are valid).
    const policy = batch[batch.length - 1]!.policy;
    const key = this.key(poolKey);
    if (lane.version === '-1') {
      const [version, raw] = await this.redis.hmget(key, 'v', 's');
      lane.version = version ?? '0';
      lane.state = raw ? (JSON.parse(raw) as LimiterState) : undefined;
    }
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const { state, decisions } = applyOps(
        policy,
        lane.state,
        batch.map((pending) => pending.op),
        this.clock(),
      );
      const json = JSON.stringify(state);
      const reply = await (this.redis as unknown as { quotaCas(key: string, version: string, state: string): Promise<[number, string, string?]> }).quotaCas(
        key,
        lane.version,
        json,
      );
      if (reply[0] === 1) {
        this.commits++;
        lane.version = String(reply[1]);
        lane.state = state;
        return decisions;
      }
      this.conflicts++;
      lane.version = String(reply[1]);
      lane.state = reply[2] ? (JSON.parse(reply[2]) as LimiterState) : undefined;
    }
    throw new QuotaStoreUnavailableError(`quota state of pool ${poolKey} kept changing under ${this.maxAttempts} attempts`);
  }
}
