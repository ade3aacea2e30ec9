import type { InstitutionStatus } from '../../gql/graphql';

export type LifecycleAction = 'suspend' | 'reactivate' | 'offboard';

/** The actions an institution's status allows (the API enforces the same transitions). */
export function lifecycleActions(status: InstitutionStatus): LifecycleAction[] {
  if (status === 'active') return ['suspend', 'offboard'];
  if (status === 'suspended') return ['reactivate', 'offboard'];
  return [];
}
