import fc from 'fast-check';
import type { UseCaseError } from './use-case-errors';
import { decideTransition, newUseCaseStatus } from './use-case-workflow';
import type { UseCaseCommand, UseCaseStatus, WorkflowActor } from './use-case.model';

const HANBIT = '11111111-1111-4111-8111-111111111111';
const NURI = '22222222-2222-4222-8222-222222222222';
const NOW = new Date('2026-12-03T00:00:00Z');
const LATER = new Date('2027-12-03T00:00:00Z');

const admin: WorkflowActor = { kind: 'tenant-admin', tenantId: HANBIT, subject: 'hanbit-admin' };
const otherAdmin: WorkflowActor = { kind: 'tenant-admin', tenantId: NURI, subject: 'nuri-admin' };
const member: WorkflowActor = { kind: 'tenant-member', tenantId: HANBIT, subject: 'hanbit-analyst' };
const regulator: WorkflowActor = { kind: 'regulator', subject: 'regulator' };
const platformAdmin: WorkflowActor = { kind: 'platform-admin', subject: 'platform-admin' };
const system: WorkflowActor = { kind: 'system', subject: 'system' };
const ACTORS = [admin, otherAdmin, member, regulator, platformAdmin, system];

const approval = { reference: 'FSC-2026-0042', conditions: 'human review of every decision', validFrom: NOW, validUntil: LATER };
const approve: UseCaseCommand = { kind: 'approve', approval };

function run(steps: [UseCaseCommand, WorkflowActor, Date?][]): UseCaseStatus {
  let status = newUseCaseStatus(HANBIT);
  for (const [command, actor, at] of steps) status = decideTransition(status, command, actor, at ?? NOW).next;
  return status;
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as UseCaseError).code;
  }
  return 'ALLOWED';
}

describe('use-case workflow', () => {
  it('draft → submitted → approved by a regulator, with the approval serving version 1', () => {
    const status = run([
      [{ kind: 'submit' }, admin],
      [approve, regulator],
    ]);
    expect(status).toMatchObject({ state: 'approved', servingVersion: 1, approval, revisionState: null });
  });

  it.each([
    ['request-changes', 'changes-requested'],
    ['reject', 'rejected'],
  ] as const)('a regulator may %s a submitted use case', (kind, state) => {
    expect(
      run([
        [{ kind: 'submit' }, admin],
        [{ kind }, regulator],
      ]).state,
    ).toBe(state);
  });

  it('changes requested → edited back to draft → resubmitted', () => {
    const status = run([
      [{ kind: 'submit' }, admin],
      [{ kind: 'request-changes' }, regulator],
      [{ kind: 'edit', material: true }, admin],
      [{ kind: 'submit' }, admin],
    ]);
    expect(status.state).toBe('submitted');
  });

  it('suspend and reinstate; reinstating past validity is refused, the sweep expires it', () => {
    const suspended = run([
      [{ kind: 'submit' }, admin],
      [approve, regulator],
      [{ kind: 'suspend' }, regulator],
    ]);
    expect(suspended.state).toBe('suspended');
    expect(decideTransition(suspended, { kind: 'reinstate' }, regulator, NOW).next.state).toBe('approved');
    const after = new Date(LATER.getTime() + 1);
    expect(refusal(() => decideTransition(suspended, { kind: 'reinstate' }, regulator, after))).toBe('APPROVAL_EXPIRED');
    expect(decideTransition(suspended, { kind: 'expire' }, system, after).next.state).toBe('expired');
  });

  it('expires only at the end of validity, and only by the platform', () => {
    const approved = run([
      [{ kind: 'submit' }, admin],
      [approve, regulator],
    ]);
    expect(refusal(() => decideTransition(approved, { kind: 'expire' }, system, NOW))).toBe('APPROVAL_NOT_YET_EXPIRED');
    expect(refusal(() => decideTransition(approved, { kind: 'expire' }, regulator, LATER))).toBe('ROLE_NOT_ALLOWED');
    expect(decideTransition(approved, { kind: 'expire' }, system, LATER).next.state).toBe('expired');
  });

  it('a material edit of an approved use case opens version 2; version 1 keeps serving until the decision', () => {
    const approved = run([
      [{ kind: 'submit' }, admin],
      [approve, regulator],
    ]);
    const edited = decideTransition(approved, { kind: 'edit', material: true }, admin, NOW);
    expect(edited.newVersion).toBe(2);
    expect(edited.next).toMatchObject({ state: 'approved', servingVersion: 1, latestVersion: 2, revisionState: 'draft' });
    const submitted = decideTransition(edited.next, { kind: 'submit' }, admin, NOW).next;
    expect(submitted).toMatchObject({ state: 'approved', servingVersion: 1, revisionState: 'submitted' });
    expect(refusal(() => decideTransition(submitted, { kind: 'edit', material: true }, admin, NOW))).toBe('REVISION_UNDER_REVIEW');
    const rejected = decideTransition(submitted, { kind: 'reject' }, regulator, NOW).next;
    expect(rejected).toMatchObject({ state: 'approved', servingVersion: 1, revisionState: 'rejected' });
    const approvedV2 = decideTransition(submitted, approve, regulator, NOW);
    expect(approvedV2.next).toMatchObject({ state: 'approved', servingVersion: 2, revisionState: null });
    expect(approvedV2.superseded).toBe(1);
  });

  it('a non-material edit of an approved use case opens no version', () => {
    const approved = run([
      [{ kind: 'submit' }, admin],
      [approve, regulator],
    ]);
    const edited = decideTransition(approved, { kind: 'edit', material: false }, admin, NOW);
    expect(edited.newVersion).toBeNull();
    expect(edited.next).toEqual(approved);
  });

  it('an expired use case is renewed by resubmitting: a new version for review', () => {
    const expired = run([
      [{ kind: 'submit' }, admin],
      [approve, regulator],
      [{ kind: 'expire' }, system, LATER],
    ]);
    const renewed = decideTransition(expired, { kind: 'submit' }, admin, LATER);
    expect(renewed.newVersion).toBe(2);
    expect(renewed.next).toMatchObject({ state: 'expired', revisionState: 'submitted' });
  });

  it('withdrawn and rejected are final', () => {
    const withdrawn = run([[{ kind: 'withdraw' }, admin]]);
    const rejected = run([
      [{ kind: 'submit' }, admin],
      [{ kind: 'reject' }, regulator],
    ]);
    for (const status of [withdrawn, rejected]) {
      for (const command of [{ kind: 'submit' }, { kind: 'edit', material: true }, approve, { kind: 'withdraw' }] as UseCaseCommand[]) {
        const actor = command.kind === 'approve' ? regulator : admin;
        expect(refusal(() => decideTransition(status, command, actor, NOW))).toBe('ILLEGAL_USE_CASE_TRANSITION');
      }
    }
  });

  describe('roles', () => {
    const submitted = () => run([[{ kind: 'submit' }, admin]]);
    it.each([
      [platformAdmin, 'SEPARATION_OF_DUTIES'],
      [admin, 'ROLE_NOT_ALLOWED'],
      [member, 'ROLE_NOT_ALLOWED'],
      [system, 'ROLE_NOT_ALLOWED'],
    ])('approve by %o is refused with %s', (actor, code) => {
      expect(refusal(() => decideTransition(submitted(), approve, actor, NOW))).toBe(code);
    });
    it.each([
      [otherAdmin, 'NOT_YOUR_INSTITUTION'],
      [member, 'ROLE_NOT_ALLOWED'],
      [regulator, 'ROLE_NOT_ALLOWED'],
      [platformAdmin, 'ROLE_NOT_ALLOWED'],
    ])('submit by %o is refused with %s', (actor, code) => {
      expect(refusal(() => decideTransition(newUseCaseStatus(HANBIT), { kind: 'submit' }, actor, NOW))).toBe(code);
    });
    it('the role is checked before the state: a platform admin gets SEPARATION_OF_DUTIES even on a draft', () => {
      expect(refusal(() => decideTransition(newUseCaseStatus(HANBIT), approve, platformAdmin, NOW))).toBe('SEPARATION_OF_DUTIES');
    });
  });

  describe('property: nothing is approved without a regulator', () => {
    const command: fc.Arbitrary<UseCaseCommand> = fc.oneof(
      fc.boolean().map((material) => ({ kind: 'edit', material }) as const),
      fc.constantFrom<UseCaseCommand>(
        { kind: 'submit' },
        approve,
        { kind: 'request-changes' },
        { kind: 'reject' },
        { kind: 'suspend' },
        { kind: 'reinstate' },
        { kind: 'expire' },
        { kind: 'withdraw' },
      ),
    );
    const step = fc.tuple(command, fc.constantFrom(...ACTORS), fc.constantFrom(NOW, LATER, new Date(LATER.getTime() + 1)));

    it('every step that makes a use case approved, or changes its serving version, is a regulator approve or reinstate', () => {
      fc.assert(
        fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
          let status = newUseCaseStatus(HANBIT);
          for (const [cmd, actor, at] of steps) {
            let next: UseCaseStatus;
            try {
              next = decideTransition(status, cmd, actor, at).next;
            } catch {
              continue;
            }
            const becameApproved = next.state === 'approved' && status.state !== 'approved';
            const servingChanged = next.servingVersion !== status.servingVersion || next.approval !== status.approval;
            if (becameApproved || servingChanged) {
              expect(actor.kind).toBe('regulator');
              expect(['approve', 'reinstate']).toContain(cmd.kind);
            }
            status = next;
          }
        }),
        { numRuns: 2000 },
      );
    });

    it('sequences without a regulator never reach approved', () => {
      const nonRegulator = fc.tuple(command, fc.constantFrom(admin, otherAdmin, member, platformAdmin, system), fc.constantFrom(NOW, LATER));
      fc.assert(
        fc.property(fc.array(nonRegulator, { maxLength: 40 }), (steps) => {
          let status = newUseCaseStatus(HANBIT);
          for (const [cmd, actor, at] of steps) {
            try {
              status = decideTransition(status, cmd, actor, at).next;
            } catch {
              // refused: stays put
            }
          }
          expect(status.state).not.toBe('approved');
          expect(status.servingVersion).toBeNull();
        }),
        { numRuns: 2000 },
      );
    });

    it('a refusal never changes anything, and every transition keeps servingVersion ≤ latestVersion', () => {
      fc.assert(
        fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
          let status = newUseCaseStatus(HANBIT);
          for (const [cmd, actor, at] of steps) {
            const before = JSON.stringify(status);
            try {
              status = decideTransition(status, cmd, actor, at).next;
            } catch {
              expect(JSON.stringify(status)).toBe(before);
            }
            expect(status.servingVersion ?? 0).toBeLessThanOrEqual(status.latestVersion);
          }
        }),
      );
    });
  });
});
