import type { InstitutionStatus } from '@ai-commons/core';
import { TenancyError } from './tenancy-errors';

export type StatusAction = 'suspend' | 'reactivate' | 'offboard';

// Offboarded is terminal: an institution that left keeps its records but never comes back as is.
const TRANSITIONS: Record<StatusAction, { from: InstitutionStatus[]; to: InstitutionStatus }> = {
  suspend: { from: ['active'], to: 'suspended' },
  reactivate: { from: ['suspended'], to: 'active' },
  offboard: { from: ['active', 'suspended'], to: 'offboarded' },
};

export function nextStatus(current: InstitutionStatus, action: StatusAction): InstitutionStatus {
  const transition = TRANSITIONS[action];
  if (!transition.from.includes(current)) {
    throw new TenancyError('ILLEGAL_STATUS_TRANSITION', `Cannot ${action} an institution that is ${current}`, {
      from: current,
      action,
      allowedFrom: transition.from,
    });
  }
  return transition.to;
}
