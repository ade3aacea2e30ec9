import { Pool } from 'pg';
import { RequestContext } from '@ai-commons/core';
import { deadLetterOf, deadLetterParameters, INSERT_DEAD_LETTERS, writeIsolatingRefusals, type DeadLetter, type TenantDatabase } from '@ai-commons/database';
import { SILENT_LOGGER, type AuditLogger } from '../audit-logger';
import type { AuditEventInput } from '../events/audit-event';

const SYSTEM_SCOPE = { kind: 'cross-tenant', access: 'system', reason: 'audit batch writer' } as const;
// Durable records queued behind a write in flight that justify a second, overlapping write.
const OVERLAP_THRESHOLD = 32;
// Records nobody waits for are kept in memory while the database is unreachable; beyond this the
// oldest are dropped (and that is logged): the process must not run out of memory.
const MAX_BUFFERED = 200_000;

interface Pending {
  event: AuditEventInput;
  settle?: { resolve: () => void; reject: (error: unknown) => void };
}

export interface AuditBatchWriterOptions {
  /** How often records nobody waits for are written. */
  flushMs: number;
  /** Rows per INSERT statement. */
  maxBatch?: number;
  /** Batches being written at once (a second one overlaps the first one's commit under load). */
  maxInFlight?: number;
  /**
   * How long a durable record may wait for others before an idle writer writes it (ms), when the
   * last write showed company (more than one waiting record): requests arriving close together then
   * share one commit. A record arriving alone is written at once. 0 never waits.
   */
  groupCommitWindowMs?: number;
  logger?: AuditLogger;
  /**
   * Where records the database refuses go (the `write_dead_letters` table), so they never block
   * the records behind them. Without it a refused record stays queued (and is retried).
   */
  deadLetters?: DeadLetterStore;
}

/** Where batches go; TenantDatabase in the servers, anything transactional in tests. */
export type AuditBatchStore = (events: AuditEventInput[]) => Promise<void>;
export type DeadLetterStore = (letters: DeadLetter[]) => Promise<void>;

/**
 * Group commit for audit events written outside a business transaction (the gateway's request
 * records, authentication failures). `appendDurable` resolves once the event's batch has
 * committed; while batches are being written, new events queue up and go together in the next —
 * so under load one commit serves many requests, and idle a record costs one transaction.
 * `append` (nobody waits) is written with the next batch or by the timer. A failed write rejects
 * the waiters of that batch and keeps every record for the next attempt (ids are fixed, and the
 * insert ignores ids already present, so a retry never duplicates an event).
 */
export class AuditBatchWriter {
  private queue: Pending[] = [];
  private urgent = 0;
  /** Writes in progress; these promises never reject. */
  private readonly inFlight = new Set<Promise<void>>();
  private kickScheduled = false;
  /** Records that waited on the last completed write: more than one means requests come in company. */
  private lastBatchWaiters = 0;
  private readonly windowMs: number;
  private timer?: NodeJS.Timeout;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly logger: AuditLogger;
  private deadLetteredCount = 0;
  private writtenCount = 0;
  /** Told each batch's commit time and size (the metrics' commit latency histogram). */
  commitObserver?: (durationMs: number, records: number) => void;

  constructor(
    private readonly store: AuditBatchStore,
    private readonly options: AuditBatchWriterOptions,
    /** Releases what the store holds (its connections), after the last write. */
    private readonly release: () => Promise<void> = async () => undefined,
  ) {
    this.maxBatch = options.maxBatch ?? 1_000;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.windowMs = options.groupCommitWindowMs ?? 0;
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  /** Writes through TenantDatabase transactions in the platform's (system) scope. */
  static forDatabase(db: TenantDatabase, options: AuditBatchWriterOptions): AuditBatchWriter {
    return new AuditBatchWriter((events) => insertAuditEvents(db, events), {
      deadLetters: (letters) =>
        RequestContext.run({ requestId: 'audit-dead-letters', tenantScope: SYSTEM_SCOPE }, () =>
          db.transaction(async (tx) => void (await tx.query(INSERT_DEAD_LETTERS, deadLetterParameters(letters)))),
        ),
      ...options,
    });
  }

  /**
   * Writes over its own connections (as many as batches in flight), opened in the platform's
   * system scope: each batch is one INSERT statement in its own implicit transaction — one round
   * trip and one WAL flush — instead of BEGIN, scope, INSERT, COMMIT. The connections do nothing else.
   */
  static forConnection(connectionString: string, options: AuditBatchWriterOptions & { applicationName?: string }): AuditBatchWriter {
    const pool = new Pool({
      connectionString,
      max: options.maxInFlight ?? 2,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
      application_name: options.applicationName ?? 'ai-commons-audit-writer',
      options: '-c app.cross_tenant=system -c jit=off',
      statement_timeout: 30_000,
    });
    pool.on('error', (error) => (options.logger ?? SILENT_LOGGER).event('warn', 'audit.writer_connection_lost', { error: error.message }));
    return new AuditBatchWriter(
      // A named statement: parsed and planned once per connection, then only bound and executed.
      async (events) => void (await pool.query({ name: 'ai-commons-audit-insert', text: INSERT_EVENTS, values: insertParameters(events) })),
      { deadLetters: async (letters) => void (await pool.query(INSERT_DEAD_LETTERS, deadLetterParameters(letters))), ...options },
      () => pool.end(),
    );
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush().catch(() => undefined), this.options.flushMs);
    this.timer.unref();
  }

  /** Queues an event and resolves when it has committed (rejects if its batch could not be written). */
  appendDurable(event: AuditEventInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ event, settle: { resolve, reject } });
      this.urgent++;
      this.kick();
    });
  }

  /** Queues an event that nobody waits for. */
  append(event: AuditEventInput): void {
    this.queue.push({ event });
    if (this.queue.length > MAX_BUFFERED) {
      const dropped = this.queue.splice(0, this.queue.length - MAX_BUFFERED);
      for (const item of dropped) item.settle?.reject(new Error('audit buffer overflow'));
      this.urgent -= dropped.filter((item) => item.settle).length;
      this.logger.event('error', 'audit.records_dropped', { count: dropped.length });
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Records committed to the log since start. */
  get written(): number {
    return this.writtenCount;
  }

  /** Records moved to the dead-letter table since start: an alert (readiness detail, metric) when not 0. */
  get deadLettered(): number {
    return this.deadLetteredCount;
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.inFlight.size > 0) {
        await Promise.all([...this.inFlight]);
        continue;
      }
      if (this.queue.length === 0) return;
      await this.writeNext();
    }
  }

  /** Stops the timer and writes what is left (a few attempts while the database is down). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    for (let attempt = 0; attempt < 5 && (this.queue.length > 0 || this.inFlight.size > 0); attempt++) {
      try {
        await this.flush();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      }
    }
    if (this.queue.length) this.logger.event('error', 'audit.unwritten_at_shutdown', { count: this.queue.length });
    await this.release().catch(() => undefined);
  }

  /**
   * Starts writing waiting durable records: after the group-commit window when the writer is idle
   * (so records arriving close together share a commit), at once when they have already waited for
   * a write to finish; a second concurrent write only once a batch's worth of work is queued.
   */
  private kick(waited = false): void {
    if (this.kickScheduled) return;
    if (this.inFlight.size > 0 && (this.inFlight.size >= this.maxInFlight || this.urgent < OVERLAP_THRESHOLD)) return; // the write in flight kicks again when done
    this.kickScheduled = true;
    const run = () => {
      this.kickScheduled = false;
      while (this.urgent > 0 && this.inFlight.size < this.maxInFlight) {
        void this.writeNext().catch(() => undefined);
        if (this.urgent < OVERLAP_THRESHOLD) break;
      }
    };
    // Like PostgreSQL's commit_delay with commit_siblings: waiting only pays when others will join.
    const company = this.lastBatchWaiters > 1 || this.urgent > 1;
    if (!waited && this.windowMs > 0 && this.inFlight.size === 0 && company) setTimeout(run, this.windowMs);
    else if (!waited && this.inFlight.size === 0 && !company)
      run(); // alone: no one to wait for, so no tick lost
    else setImmediate(run); // let the current tick's records join the batch
  }

  private writeNext(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    const waiters = batch.filter((item) => item.settle).length;
    this.urgent -= waiters;
    const write = (async () => {
      const startedAt = performance.now();
      const result = await writeIsolatingRefusals(batch, (items) => this.store(items.map((item) => item.event)));
      this.writtenCount += result.written.length;
      if (result.written.length) this.commitObserver?.(performance.now() - startedAt, result.written.length);
      for (const item of result.written) item.settle?.resolve();
      const kept = await this.deadLetter(result.refused);
      if (result.error === undefined && kept.length === 0) {
        this.lastBatchWaiters = waiters;
        return;
      }
      // Keep the rest for a later attempt; whoever waited learns it is not durable yet.
      const retry = [...kept, ...result.unwritten];
      this.queue.unshift(...retry.map((item) => ({ event: item.event })));
      const error = result.error ?? new Error('audit dead-letter write failed');
      for (const item of retry) item.settle?.reject(error);
      this.logger.event('warn', 'audit.write_failed', { error: (error as Error).message, pending: this.queue.length });
      throw error;
    })();
    const tracked: Promise<void> = write
      .catch(() => undefined)
      .finally(() => {
        this.inFlight.delete(tracked);
        if (this.urgent > 0) this.kick(true);
      });
    this.inFlight.add(tracked);
    return write;
  }

  /**
   * Moves refused records to the dead-letter table; their waiters learn the record is not in the
   * log. Returns the records that could not be moved either (kept queued).
   */
  private async deadLetter(refused: { record: Pending; error: unknown }[]): Promise<Pending[]> {
    if (refused.length === 0) return [];
    const store = this.options.deadLetters;
    if (!store) return refused.map(({ record }) => record);
    try {
      await store(refused.map(({ record, error }) => deadLetterOf('audit', record.event.tenantId, record.event, error)));
    } catch (error) {
      this.logger.event('error', 'audit.dead_letter_failed', { error: (error as Error).message, count: refused.length });
      return refused.map(({ record }) => record);
    }
    this.deadLetteredCount += refused.length;
    for (const { record, error } of refused) {
      record.settle?.reject(error);
      this.logger.event('error', 'audit.record_dead_lettered', {
        eventId: record.event.id,
        action: record.event.action,
        error: (error as Error).message,
        deadLettered: this.deadLetteredCount,
      });
    }
    return [];
  }
}

/**
 * One statement per batch. The rows travel as one JSON parameter (JSON.stringify is native and
 * fast; 19 array parameters cost the client more than the round trip itself).
 */
const INSERT_EVENTS = `insert into audit_events (id, tenant_id, occurred_at, request_id, actor, action, resource_type, resource_id,
    outcome, details, endpoint, model, data_classification, prompt_tokens, completion_tokens, latency_ms, http_status,
    policy_decision, prompt_hmac, response_hmac)
  select id, tenant_id, occurred_at, request_id, actor, action, resource_type, resource_id, outcome, details, endpoint, model,
    data_classification, prompt_tokens, completion_tokens, latency_ms, http_status, policy_decision, prompt_hmac, response_hmac
  from json_to_recordset($1::json) as t (id uuid, tenant_id uuid, occurred_at timestamptz, request_id text, actor jsonb,
    action text, resource_type text, resource_id text, outcome text, details jsonb, endpoint text, model text,
    data_classification text, prompt_tokens integer, completion_tokens integer, latency_ms integer, http_status integer,
    policy_decision text, prompt_hmac text, response_hmac text)
  on conflict (id) do nothing`;

function insertParameters(events: AuditEventInput[]): unknown[] {
  return [
    JSON.stringify(
      events.map((e) => ({
        id: e.id,
        tenant_id: e.tenantId,
        occurred_at: e.occurredAt.toISOString(),
        request_id: e.requestId,
        actor: e.actor,
        action: e.action,
        resource_type: e.resourceType,
        resource_id: e.resourceId,
        outcome: e.outcome,
        details: e.details,
        endpoint: e.endpoint ?? null,
        model: e.model ?? null,
        data_classification: e.dataClassification ?? null,
        prompt_tokens: integerOrNull(e.promptTokens),
        completion_tokens: integerOrNull(e.completionTokens),
        latency_ms: integerOrNull(e.latencyMs),
        http_status: integerOrNull(e.httpStatus),
        policy_decision: e.policyDecision ?? null,
        prompt_hmac: e.promptHmac ?? null,
        response_hmac: e.responseHmac ?? null,
      })),
    ),
  ];
}

/** One multi-row INSERT … SELECT FROM unnest(…) in a TenantDatabase transaction, in the platform's own (system) scope. */
export function insertAuditEvents(db: TenantDatabase, events: AuditEventInput[]): Promise<void> {
  return RequestContext.run({ requestId: 'audit-batch', tenantScope: SYSTEM_SCOPE }, () =>
    db.transaction(async (tx) => {
      await tx.query(INSERT_EVENTS, insertParameters(events));
    }),
  );
}

function integerOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : Math.round(value);
}
