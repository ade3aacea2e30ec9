import type { AdvisoryLockKey } from '@ai-commons/database';

/** key1 of every run's lock: "irun" (leadership locks use "lead", the audit sequencer "audi"). */
const RUN_LOCK_NAMESPACE = 0x6972756e;

/**
 * The advisory lock the replica executing a run holds for as long as the run lasts: ("irun", the
 * first 32 bits of the run's UUID, which are random). Derived, not stored: anyone who reads the
 * run's id can ask pg_locks whether its owner is still there. Two runs at once sharing those 32
 * bits (odds 2^-32) would only make the second one fail to start.
 */
export function runLockKey(runId: string): AdvisoryLockKey {
  const first = /^([0-9a-f]{8})-/i.exec(runId)?.[1];
  if (!first) throw new Error(`not a run id (a UUID): ${runId}`);
  return [RUN_LOCK_NAMESPACE, Buffer.from(first, 'hex').readInt32BE(0)];
}

/** Who executes a run, as `isolation_runs.owner` records it: the host and process, like a gateway instance's. */
export function runOwner(host: string, pid: number): string {
  return `${host}:${pid}`;
}

/** What a run closed by the sweep stores in `summary` (the API shows `error`). */
export interface InterruptedSummary {
  error: string;
  code: 'RUN_INTERRUPTED';
}

/** Why a run lost its owner: its lock session ended (killed, out of memory, node lost, cut off), or its control plane shut down mid-run. */
export type InterruptionCause = 'session-ended' | 'shutdown';

export function interruptedSummary(owner: string | null, cause: InterruptionCause = 'session-ended'): InterruptedSummary {
  const who = `the control plane executing it (${owner ?? 'owner not recorded'})`;
  return {
    error:
      cause === 'shutdown'
        ? `interrupted: ${who} shut down before the run finished; start a new run`
        : `interrupted: ${who} stopped before the run finished — its database session ended (process killed, out of memory, node lost, or cut off from PostgreSQL); start a new run`,
    code: 'RUN_INTERRUPTED',
  };
}

/** What the API says of a run that failed for any other reason: its raw message stays in the control plane's log. */
export const RUN_FAILED_REASON = "the run failed with an internal error; the control plane's log has the details";

/**
 * Why a run ended in error, from its stored summary; null for any other run. Only reasons the
 * platform wrote itself (RUN_INTERRUPTED) are shown: another failure's stored message is an internal
 * error's text (addresses, SQL) and is not for the API's readers.
 */
export function runErrorOf(status: string, summary: unknown): string | null {
  if (status !== 'error') return null;
  const stored = summary && typeof summary === 'object' ? (summary as { error?: unknown; code?: unknown }) : {};
  return stored.code === 'RUN_INTERRUPTED' && typeof stored.error === 'string' && stored.error ? stored.error : RUN_FAILED_REASON;
}
