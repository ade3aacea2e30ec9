import { CatalogError } from '../shared/catalog-errors';
import type { EndpointState } from './endpoint.model';

/**
 * provisioning → active → draining → retired, plus draining → active (undo a drain) and
 * provisioning → retired (abandon a setup). Retired is final.
 */
export const ENDPOINT_TRANSITIONS: Readonly<Record<EndpointState, readonly EndpointState[]>> = Object.freeze({
  provisioning: ['active', 'retired'],
  active: ['draining'],
  draining: ['active', 'retired'],
  retired: [],
});

export function canTransition(from: EndpointState, to: EndpointState): boolean {
  return ENDPOINT_TRANSITIONS[from].includes(to);
}

export function assertTransition(from: EndpointState, to: EndpointState): EndpointState {
  if (!canTransition(from, to)) {
    throw new CatalogError('ILLEGAL_STATE_TRANSITION', `An endpoint cannot go from ${from} to ${to}`, {
      from,
      to,
      allowed: ENDPOINT_TRANSITIONS[from],
    });
  }
  return to;
}
