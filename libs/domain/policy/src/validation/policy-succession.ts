import type { PolicyDocument } from '../rules/policy-document';
import type { PolicyValidationError } from './validation-error';

/**
 * Whether `next` may be stored as the successor of `current` (undefined for the first version):
 * same policy id, version exactly one higher, so versions form a gap-free history that audit
 * records' policyVersion can be resolved against.
 */
export function validatePolicySuccession(current: PolicyDocument | undefined, next: PolicyDocument): readonly PolicyValidationError[] {
  const errors: PolicyValidationError[] = [];
  if (current === undefined) {
    if (next.version !== 1) errors.push({ code: 'VERSION_NOT_NEXT', path: '/version', message: 'the first version of a policy is 1' });
    return errors;
  }
  if (next.policyId !== current.policyId) {
    errors.push({ code: 'POLICY_ID_CHANGED', path: '/policyId', message: `expected '${current.policyId}'` });
  }
  if (next.version !== current.version + 1) {
    errors.push({ code: 'VERSION_NOT_NEXT', path: '/version', message: `expected version ${current.version + 1}` });
  }
  return errors;
}
