import fc from 'fast-check';
import { decideLeadership, type LeadershipEvent, type LeadershipState } from './leadership-decision';

const timing = { retryMs: 1_000, checkMs: 300 };
const event: fc.Arbitrary<LeadershipEvent> = fc.oneof(
  fc.boolean().map((acquired) => ({ kind: 'attempt' as const, acquired })),
  fc.boolean().map((held) => ({ kind: 'check' as const, held })),
  fc.constant({ kind: 'connection-lost' as const }),
  fc.constant({ kind: 'stop' as const }),
);

/** Replays events and tracks whether the job runs, as the I/O side would. */
function replay(events: LeadershipEvent[]) {
  let state: LeadershipState = 'follower';
  let running = false;
  const violations: string[] = [];
  for (const next of events) {
    const step = decideLeadership(state, next, timing);
    for (const action of step.actions) {
      if (action === 'start-job') {
        if (running) violations.push('started twice');
        running = true;
      }
      if (action === 'stop-job') {
        if (!running) violations.push('stopped a job that was not running');
        running = false;
      }
    }
    state = step.state;
    if (running !== (state === 'leader')) violations.push(`job ${running ? 'runs' : 'idle'} in state ${state}`);
  }
  return { state, running, violations };
}

describe('decideLeadership', () => {
  it('runs the job exactly while leader: starts and stops alternate, whatever happens', () => {
    fc.assert(fc.property(fc.array(event, { maxLength: 60 }), (events) => expect(replay(events).violations).toEqual([])));
  });

  it('stops the job as soon as the lock may be gone (lost connection or failed check)', () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 30 }),
        fc.constantFrom<LeadershipEvent>({ kind: 'connection-lost' }, { kind: 'check', held: false }),
        (before, loss) => {
          const { state } = replay(before);
          const step = decideLeadership(state, loss, timing);
          expect(step.state === 'leader').toBe(false);
          if (state === 'leader') expect(step.actions[0]).toBe('stop-job');
        },
      ),
    );
  });

  it('does nothing after stop, and a follower retries at its interval, a leader checks at its own', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (after) => {
        let state = decideLeadership('leader', { kind: 'stop' }, timing).state;
        for (const next of after) {
          const step = decideLeadership(state, next, timing);
          expect(step).toEqual({ state: 'stopped', actions: [], nextInMs: null });
          state = step.state;
        }
      }),
    );
    expect(decideLeadership('follower', { kind: 'attempt', acquired: false }, timing).nextInMs).toBe(1_000);
    expect(decideLeadership('follower', { kind: 'attempt', acquired: true }, timing)).toEqual({ state: 'leader', actions: ['start-job'], nextInMs: 300 });
  });
});
