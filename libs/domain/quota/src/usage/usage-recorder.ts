import { RequestContext } from '@ai-commons/core';
import { deadLetterOf, deadLetterParameters, INSERT_DEAD_LETTERS, writeIsolatingRefusals, type RefusedRecord, type TenantDatabase } from '@ai-commons/database';
import type { JsonLogger } from '@ai-commons/observability';

import type { UsageOutcome } from '@ai-commons/gateway-admission';

export type { UsageOutcome };

export interface UsageRecord {
  tenantId: string;
  requestId: string;
  endpointId: string | null;
  endpointName: string;
  model: string;
  apiKeyId: string | null;
  /** The use case the request ran under (null: the credential is bound to none). */
  useCaseId?: string | null;
  principalSubject: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  httpStatus: number;
  outcome: UsageOutcome;
  streamed: boolean;
  occurredAt: Date;
  /** The gateway's id of the admitted call (its admission audit record has it too); recovery matches on it. */
  callId?: string | null;
}

/** A call admitted and not yet recorded: its admission time keeps `durableBefore` back. */
export interface OpenCall {
  readonly admittedAtMs: number;
}

const SYSTEM_SCOPE = { kind: 'cross-tenant', access: 'system', reason: 'gateway usage recorder' } as const;
// Held back in memory while the database is unreachable; beyond this the oldest are dropped (and logged).
const MAX_BUFFERED = 200_000;

/**
 * Records gateway usage durably in batches (group commit): requests only append to a buffer; a
 * timer writes it with one INSERT … SELECT FROM unnest(…) per batch. A failed write keeps the
 * records for the next attempt; a batch the database refuses is split until the refused records
 * stand alone, and those go to the dead-letter table (so they never block the records behind them);
 * stop() writes everything left before the process exits.
 */
export class UsageRecorder {
  private buffer: (UsageRecord & { admittedAtMs?: number })[] = [];
  /** The batch being written (out of the buffer, not yet durable). */
  private writing: (UsageRecord & { admittedAtMs?: number })[] = [];
  private readonly open = new Set<OpenCall>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private deadLetteredCount = 0;

  constructor(
    private readonly db: TenantDatabase,
    private readonly flushMs: number,
    private readonly batchSize: number,
    private readonly logger: JsonLogger,
    /**
     * The gateway instance whose records these are (gateway_instances): each batch holds its row
     * FOR SHARE, so usage recovery (FOR UPDATE) never runs beside it; after a recovery, records
     * recovery already wrote are skipped (by call id). Absent: no fencing (tests, tools).
     */
    private readonly instanceId?: string,
  ) {}

  start(): void {
    // A tick is skipped while a flush is still running; the next one picks up what arrived meanwhile.
    this.timer = setInterval(() => {
      if (!this.flushing) void this.flush().catch(() => undefined);
    }, this.flushMs);
    this.timer.unref();
  }

  /** A call was admitted (before its admission record is written): until recorded, it holds `durableBefore` back. */
  begin(admittedAtMs: number = Date.now()): OpenCall {
    const call = { admittedAtMs };
    this.open.add(call);
    return call;
  }

  /**
   * Every call admitted before this time has its usage record written: none is open, buffered or
   * being written (the instance's heartbeat publishes it; recovery reads admissions from there on).
   */
  durableBefore(nowMs: number = Date.now()): Date {
    let earliest = nowMs;
    for (const call of this.open) earliest = Math.min(earliest, call.admittedAtMs);
    for (const record of this.buffer) if (record.admittedAtMs !== undefined) earliest = Math.min(earliest, record.admittedAtMs);
    for (const record of this.writing) if (record.admittedAtMs !== undefined) earliest = Math.min(earliest, record.admittedAtMs);
    return new Date(earliest);
  }

  /** A call begun but refused at admission: it owes no usage record. */
  forget(call: OpenCall): void {
    this.open.delete(call);
  }

  record(record: UsageRecord, call?: OpenCall): void {
    if (call) this.open.delete(call);
    this.buffer.push(call ? { ...record, admittedAtMs: call.admittedAtMs } : record);
    if (this.buffer.length > MAX_BUFFERED) {
      const dropped = this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
      this.logger.event('error', 'usage.dropped', { count: dropped.length });
    }
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Records moved to the dead-letter table since start: an alert (readiness detail, metric) when not 0. */
  get deadLettered(): number {
    return this.deadLetteredCount;
  }

  /**
   * Resolves once everything recorded before the call is written: it runs after any flush in
   * progress (which may have started before the latest records arrived).
   */
  flush(): Promise<void> {
    const run = (this.flushing ?? Promise.resolve()).catch(() => undefined).then(() => this.writeAll());
    const tracked: Promise<void> = run.finally(() => {
      if (this.flushing === tracked) this.flushing = undefined;
    });
    this.flushing = tracked;
    return tracked;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (let attempt = 0; attempt < 5 && (this.buffer.length > 0 || this.flushing); attempt++) {
      try {
        await this.flush();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      }
    }
    if (this.buffer.length) this.logger.event('error', 'usage.unwritten_at_shutdown', { count: this.buffer.length });
  }

  /** Writes what was buffered when the flush began; later records wait for the next tick. */
  private async writeAll(): Promise<void> {
    let remaining = this.buffer.length;
    while (remaining > 0 && this.buffer.length > 0) {
      const batch = this.buffer.splice(0, Math.min(this.batchSize, remaining));
      remaining -= batch.length;
      this.writing = batch;
      const result = await writeIsolatingRefusals(batch, (records) => this.write(records)).finally(() => (this.writing = []));
      const kept = await this.deadLetter(result.refused);
      if (result.error !== undefined || kept.length > 0) {
        this.buffer.unshift(...kept, ...result.unwritten);
        const error = result.error ?? new Error('usage dead-letter write failed');
        this.logger.event('warn', 'usage.write_failed', { error: (error as Error).message, pending: this.buffer.length });
        throw error;
      }
    }
  }

  /** Moves refused records to the dead-letter table; returns those that could not be moved either. */
  private async deadLetter(refused: RefusedRecord<UsageRecord>[]): Promise<UsageRecord[]> {
    if (refused.length === 0) return [];
    const letters = refused.map(({ record, error }) => deadLetterOf('usage', record.tenantId, record, error));
    try {
      await RequestContext.run({ requestId: 'usage-dead-letters', tenantScope: SYSTEM_SCOPE }, () =>
        this.db.transaction(async (tx) => void (await tx.query(INSERT_DEAD_LETTERS, deadLetterParameters(letters)))),
      );
    } catch (error) {
      this.logger.event('error', 'usage.dead_letter_failed', { error: (error as Error).message, count: refused.length });
      return refused.map(({ record }) => record);
    }
    this.deadLetteredCount += refused.length;
    for (const { record, error } of refused) {
      this.logger.event('error', 'usage.record_dead_lettered', {
        requestId: record.requestId,
        tenantId: record.tenantId,
        error: (error as Error).message,
        deadLettered: this.deadLetteredCount,
      });
    }
    return [];
  }

  private write(batch: UsageRecord[]): Promise<void> {
    return RequestContext.run({ requestId: 'usage-flush', tenantScope: SYSTEM_SCOPE }, () =>
      this.db.transaction(async (tx) => {
        // The fence: recovery of this instance waits for this batch, or this batch for it.
        const [instance]: { recovered: boolean }[] = this.instanceId
          ? await tx.query('select recovered_at is not null as recovered from gateway_instances where id = $1 for share', [this.instanceId])
          : [];
        await tx.query(INSERT_USAGE, [usageRowsJson(batch), instance?.recovered ?? false]);
      }),
    );
  }
}

/**
 * One statement per batch, the rows as one JSON parameter: JSON.stringify is native, where 16 array
 * parameters had pg escape every element in JavaScript (the gateway's profile showed it).
 */
const INSERT_USAGE = `insert into usage_records (tenant_id, request_id, endpoint_id, endpoint_name, model, api_key_id, principal_subject,
    prompt_tokens, completion_tokens, latency_ms, http_status, outcome, streamed, occurred_at, use_case_id, call_id)
  select r.tenant_id, r.request_id, r.endpoint_id, r.endpoint_name, r.model, r.api_key_id, r.principal_subject,
    r.prompt_tokens, r.completion_tokens, r.latency_ms, r.http_status, r.outcome, r.streamed, r.occurred_at, r.use_case_id, r.call_id
  from json_to_recordset($1::json) as r (tenant_id uuid, request_id text, endpoint_id uuid, endpoint_name text, model text,
    api_key_id uuid, principal_subject text, prompt_tokens integer, completion_tokens integer, latency_ms integer,
    http_status integer, outcome text, streamed boolean, occurred_at timestamptz, use_case_id uuid, call_id uuid)
  where not $2::bool or r.call_id is null or not exists (select 1 from usage_records u where u.call_id = r.call_id)`;

function usageRowsJson(batch: readonly UsageRecord[]): string {
  return JSON.stringify(
    batch.map((record) => ({
      tenant_id: record.tenantId,
      request_id: record.requestId,
      endpoint_id: record.endpointId,
      endpoint_name: record.endpointName,
      model: record.model,
      api_key_id: record.apiKeyId,
      principal_subject: record.principalSubject,
      prompt_tokens: record.promptTokens,
      completion_tokens: record.completionTokens,
      latency_ms: Math.round(record.latencyMs),
      http_status: record.httpStatus,
      outcome: record.outcome,
      streamed: record.streamed,
      // An invalid Date goes as text PostgreSQL refuses (22007): a refused record, isolated, never a thrown batch.
      occurred_at: Number.isFinite(record.occurredAt.getTime()) ? record.occurredAt.toISOString() : 'invalid',
      use_case_id: record.useCaseId ?? null,
      call_id: record.callId ?? null,
    })),
  );
}
