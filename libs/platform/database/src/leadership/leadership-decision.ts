/**
 * The pure part of advisory-lock leadership: what a replica does after each thing it learns.
 * The I/O (a dedicated connection, pg_try_advisory_lock, the periodic check) lives in
 * advisory-lock-leadership.ts and only carries out these steps.
 */
export type LeadershipState = 'follower' | 'leader' | 'stopped';

export type LeadershipEvent =
  /** A pg_try_advisory_lock answered (false also when the connection could not be opened). */
  | { kind: 'attempt'; acquired: boolean }
  /** The leader's periodic check: the connection answered and the lock is still held by it. */
  | { kind: 'check'; held: boolean }
  /** The dedicated connection failed or closed: the server has released the lock with it. */
  | { kind: 'connection-lost' }
  | { kind: 'stop' };

export type LeadershipAction = 'start-job' | 'stop-job' | 'close-connection';

export interface LeadershipTiming {
  /** How often a follower tries to take the lock. */
  retryMs: number;
  /** How often the leader checks that it still holds the lock. */
  checkMs: number;
}

export interface LeadershipStep {
  state: LeadershipState;
  /** In this order. */
  actions: LeadershipAction[];
  /** When to attempt (follower) or check (leader) next; null once stopped. */
  nextInMs: number | null;
}

export function decideLeadership(state: LeadershipState, event: LeadershipEvent, timing: LeadershipTiming): LeadershipStep {
  if (state === 'stopped') return { state, actions: [], nextInMs: null };
  if (event.kind === 'stop') {
    return { state: 'stopped', actions: state === 'leader' ? ['stop-job', 'close-connection'] : ['close-connection'], nextInMs: null };
  }
  if (state === 'follower') {
    if (event.kind === 'attempt' && event.acquired) return { state: 'leader', actions: ['start-job'], nextInMs: timing.checkMs };
    // A follower's lost connection is reopened at the next attempt.
    return { state, actions: event.kind === 'connection-lost' ? ['close-connection'] : [], nextInMs: timing.retryMs };
  }
  // Leader.
  if (event.kind === 'check' && event.held) return { state, actions: [], nextInMs: timing.checkMs };
  if (event.kind === 'attempt' && event.acquired) return { state, actions: [], nextInMs: timing.checkMs };
  // Lock lost (or never confirmed): stop the work first, then start over on a new connection.
  return { state: 'follower', actions: ['stop-job', 'close-connection'], nextInMs: timing.retryMs };
}
