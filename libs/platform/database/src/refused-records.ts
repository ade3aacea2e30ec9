import { isUuid } from '@ai-commons/core';
import { pgErrorCode } from './database-errors';

/**
 * Batch writers (group commit) put many records in one INSERT, so one record the database refuses
 * would fail the whole batch, and retrying it would fail forever and block every record behind it.
 * `writeIsolatingRefusals` splits a refused batch in halves until each refused record stands alone,
 * writes everything else, and hands the refused records back for a dead-letter table; a failure
 * that is not about the data (connection lost, timeout) stops at once and hands the rest back for
 * a later retry of the whole batch.
 */

/**
 * SQLSTATE classes that mean "these values are refused", whatever the database's state: 22 (data
 * exception: out of range, invalid text, untranslatable character) and 23 (integrity constraint
 * violation: check, not null, foreign key). Anything else (08 connection, 40 rollback, 53
 * resources, 57 timeout or shutdown, no code at all) may pass on a retry.
 */
export function isRecordRefusal(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}

export interface RefusedRecord<T> {
  record: T;
  error: unknown;
}

export interface IsolatedWrite<T> {
  written: T[];
  /** Records the database refused on their own (a batch of one). */
  refused: RefusedRecord<T>[];
  /** Records not written because of a failure that was not a refusal, in their original order. */
  unwritten: T[];
  /** That failure, when there was one. */
  error?: unknown;
}

/** At most 2·r·⌈log₂ n⌉ + 1 writes for r refused records among n. */
export async function writeIsolatingRefusals<T>(
  records: readonly T[],
  write: (batch: T[]) => Promise<void>,
  isRefusal: (error: unknown) => boolean = isRecordRefusal,
): Promise<IsolatedWrite<T>> {
  const written: T[] = [];
  const refused: RefusedRecord<T>[] = [];
  // Sub-batches still to write; the next one is on top.
  const pending: T[][] = records.length ? [[...records]] : [];
  while (pending.length > 0) {
    const batch = pending.pop()!;
    try {
      await write(batch);
      written.push(...batch);
    } catch (error) {
      if (!isRefusal(error)) return { written, refused, unwritten: [batch, ...pending.reverse()].flat(), error };
      if (batch.length === 1) {
        refused.push({ record: batch[0]!, error });
        continue;
      }
      const middle = Math.ceil(batch.length / 2);
      pending.push(batch.slice(middle), batch.slice(0, middle));
    }
  }
  return { written, refused, unwritten: [] };
}

/** A refused record as the dead-letter table keeps it. */
export interface DeadLetter {
  writer: 'audit' | 'usage';
  /** The record's institution, when it names one that is a well-formed uuid. */
  tenantId: string | null;
  /** The whole record as JSON text (text, not jsonb: jsonb refuses \u0000, which may be why it was refused). */
  record: string;
  errorCode: string | null;
  errorDetail: string;
}

const MAX_ERROR_DETAIL = 2_000;

export function deadLetterOf(writer: DeadLetter['writer'], tenantId: unknown, record: unknown, error: unknown): DeadLetter {
  const code = pgErrorCode(error);
  return {
    writer,
    tenantId: isUuid(tenantId) ? tenantId : null,
    record: JSON.stringify(record) ?? 'null',
    errorCode: code?.slice(0, 16) ?? null,
    errorDetail: String((error as Error | null)?.message ?? error).slice(0, MAX_ERROR_DETAIL),
  };
}

/** One INSERT for a set of dead letters (the caller's connection must be in the `system` scope). */
export const INSERT_DEAD_LETTERS = `insert into write_dead_letters (writer, tenant_id, record, error_code, error_detail)
  select writer, tenant_id, record, error_code, error_detail
  from json_to_recordset($1::json) as t (writer text, tenant_id uuid, record text, error_code text, error_detail text)`;

export function deadLetterParameters(letters: readonly DeadLetter[]): unknown[] {
  return [
    JSON.stringify(
      letters.map((letter) => ({
        writer: letter.writer,
        tenant_id: letter.tenantId,
        record: letter.record,
        error_code: letter.errorCode,
        error_detail: letter.errorDetail,
      })),
    ),
  ];
}
