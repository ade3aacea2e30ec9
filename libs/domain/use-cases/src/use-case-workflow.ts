import { UseCaseError } from './use-case-errors';
import type { Transition, UseCaseAction, UseCaseCommand, UseCaseState, UseCaseStatus, VersionState, WorkflowActor } from './use-case.model';

/** Who may take each action. Review decisions belong to regulators alone (separation of duties). */
const INSTITUTION_ACTIONS: ReadonlySet<UseCaseAction> = new Set(['edit', 'submit', 'withdraw']);
const REVIEW_ACTIONS: ReadonlySet<UseCaseAction> = new Set(['approve', 'request-changes', 'reject', 'suspend', 'reinstate']);

/** Pre-approval states that a decision ends (nothing can move them again). */
const FINAL: ReadonlySet<UseCaseState> = new Set(['rejected', 'withdrawn']);
/** States where an approval exists (the serving version). */
const SERVED: ReadonlySet<UseCaseState> = new Set(['approved', 'suspended', 'expired']);
const OPEN_REVISION: ReadonlySet<VersionState | null> = new Set(['draft', 'changes-requested']);

/**
 * The role rule, checked before the state: tenant admins act on their own institution's use cases;
 * regulators review; platform admins read everything but decide nothing; the expiry sweep is the
 * platform's own.
 */
export function assertMayAct(action: UseCaseAction, actor: WorkflowActor, tenantId: string): void {
  if (INSTITUTION_ACTIONS.has(action)) {
    if (actor.kind !== 'tenant-admin') throw roleNotAllowed(action, actor, 'tenant admins of the institution');
    if (actor.tenantId !== tenantId) {
      throw new UseCaseError('NOT_YOUR_INSTITUTION', 'Only the institution that owns a use case may change it');
    }
    return;
  }
  if (REVIEW_ACTIONS.has(action)) {
    if (actor.kind === 'platform-admin') {
      throw new UseCaseError('SEPARATION_OF_DUTIES', `Platform admins operate the platform; only a regulator may ${action} a use case`, { action });
    }
    if (actor.kind !== 'regulator') throw roleNotAllowed(action, actor, 'regulators');
    return;
  }
  if (actor.kind !== 'system') throw roleNotAllowed(action, actor, 'the platform (at the end of validity)');
}

/**
 * The pure state machine: the transition `command` makes from `status` at `now`, or a
 * UseCaseError saying why not. Nothing reaches `approved` except a regulator's approve or
 * reinstate (property-tested).
 */
export function decideTransition(status: UseCaseStatus, command: UseCaseCommand, actor: WorkflowActor, now: Date): Transition {
  assertMayAct(command.kind, actor, status.tenantId);
  const from = status.state;
  const served = SERVED.has(from);
  const result = (next: Partial<UseCaseStatus>, extra: Partial<Transition> = {}): Transition => {
    const merged = { ...status, ...next };
    return { next: merged, newVersion: null, version: null, superseded: null, from, to: merged.state, ...extra };
  };
  const illegal = (): never => {
    throw new UseCaseError('ILLEGAL_USE_CASE_TRANSITION', `A ${from} use case cannot be ${PAST[command.kind]}`, {
      from,
      action: command.kind,
      ...(status.revisionState ? { revisionState: status.revisionState } : {}),
    });
  };
  if (FINAL.has(from)) return illegal();

  switch (command.kind) {
    case 'edit': {
      if (from === 'draft') return result({});
      if (from === 'changes-requested') return result({ state: 'draft' }, { version: { version: status.latestVersion, state: 'draft' } });
      if (from === 'submitted') throw underReview(status.latestVersion);
      // Served: an open revision is edited; a material change (or any change of an expired one) opens one.
      if (status.revisionState === 'submitted') throw underReview(status.latestVersion);
      if (OPEN_REVISION.has(status.revisionState)) {
        return result({ revisionState: 'draft' }, { version: { version: status.latestVersion, state: 'draft' } });
      }
      if (!command.material && from !== 'expired') return result({});
      return openRevision('draft');
    }
    case 'submit': {
      if (from === 'draft' || from === 'changes-requested') {
        return result({ state: 'submitted' }, { version: { version: status.latestVersion, state: 'submitted' } });
      }
      if (served && OPEN_REVISION.has(status.revisionState)) {
        return result({ revisionState: 'submitted' }, { version: { version: status.latestVersion, state: 'submitted' } });
      }
      // Renewal: an expired approval is resubmitted unchanged as a new version.
      if (from === 'expired' && status.revisionState !== 'submitted') return openRevision('submitted');
      return illegal();
    }
    case 'approve': {
      if (from === 'submitted') {
        return result(
          { state: 'approved', servingVersion: status.latestVersion, approval: command.approval, revisionState: null },
          { version: { version: status.latestVersion, state: 'approved' } },
        );
      }
      if (served && status.revisionState === 'submitted') {
        return result(
          { state: 'approved', servingVersion: status.latestVersion, approval: command.approval, revisionState: null },
          { version: { version: status.latestVersion, state: 'approved' }, superseded: status.servingVersion },
        );
      }
      throw nothingToReview(from);
    }
    case 'request-changes':
    case 'reject': {
      const state: VersionState = command.kind === 'reject' ? 'rejected' : 'changes-requested';
      if (from === 'submitted') return result({ state }, { version: { version: status.latestVersion, state } });
      if (served && status.revisionState === 'submitted') {
        return result({ revisionState: state }, { version: { version: status.latestVersion, state } });
      }
      throw nothingToReview(from);
    }
    case 'suspend':
      return from === 'approved' ? result({ state: 'suspended' }) : illegal();
    case 'reinstate': {
      if (from !== 'suspended') return illegal();
      if (status.approval && status.approval.validUntil.getTime() <= now.getTime()) {
        throw new UseCaseError('APPROVAL_EXPIRED', 'The approval has reached the end of its validity; it expires instead', {
          validUntil: status.approval.validUntil.toISOString(),
        });
      }
      return result({ state: 'approved' });
    }
    case 'expire': {
      if (from !== 'approved' && from !== 'suspended') return illegal();
      if (!status.approval || status.approval.validUntil.getTime() > now.getTime()) {
        throw new UseCaseError('APPROVAL_NOT_YET_EXPIRED', 'The approval is still within its validity', {
          validUntil: status.approval?.validUntil.toISOString() ?? null,
        });
      }
      return result({ state: 'expired' });
    }
    case 'withdraw': {
      const open = served ? status.revisionState !== null && status.revisionState !== 'rejected' : true;
      return result(
        { state: 'withdrawn', revisionState: served && open ? 'withdrawn' : status.revisionState },
        open ? { version: { version: status.latestVersion, state: 'withdrawn' } } : {},
      );
    }
  }

  function openRevision(state: VersionState): Transition {
    const version = status.latestVersion + 1;
    return result({ latestVersion: version, revisionState: state }, { newVersion: version, version: { version, state } });
  }
}

/** Which actions make sense for the caller now (for UIs; the decision above is authoritative). */
export function availableActions(status: UseCaseStatus, actor: WorkflowActor, now: Date): UseCaseAction[] {
  const probes: UseCaseCommand[] = [
    { kind: 'edit', material: true },
    { kind: 'submit' },
    { kind: 'approve', approval: { reference: 'probe', conditions: '', validFrom: now, validUntil: new Date(now.getTime() + 1) } },
    { kind: 'request-changes' },
    { kind: 'reject' },
    { kind: 'suspend' },
    { kind: 'reinstate' },
    { kind: 'withdraw' },
  ];
  return probes
    .filter((command) => {
      try {
        decideTransition(status, command, actor, now);
        return true;
      } catch {
        return false;
      }
    })
    .map((command) => command.kind);
}

/** A fresh use case: version 1, a draft. */
export function newUseCaseStatus(tenantId: string): UseCaseStatus {
  return { tenantId, state: 'draft', servingVersion: null, approval: null, latestVersion: 1, revisionState: null };
}

const PAST: Record<UseCaseAction, string> = {
  edit: 'edited',
  submit: 'submitted',
  approve: 'approved',
  'request-changes': 'sent back for changes',
  reject: 'rejected',
  suspend: 'suspended',
  reinstate: 'reinstated',
  expire: 'expired',
  withdraw: 'withdrawn',
};

function roleNotAllowed(action: UseCaseAction, actor: WorkflowActor, who: string): UseCaseError {
  return new UseCaseError('ROLE_NOT_ALLOWED', `Only ${who} may ${action} a use case`, { action, role: actor.kind });
}

function underReview(version: number): UseCaseError {
  return new UseCaseError('REVISION_UNDER_REVIEW', `Version ${version} is under review; wait for the decision or withdraw`, { version });
}

function nothingToReview(state: UseCaseState): UseCaseError {
  return new UseCaseError('NOTHING_TO_REVIEW', `No version of this ${state} use case is submitted for review`, { state });
}
