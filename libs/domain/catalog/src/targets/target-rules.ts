import { CatalogError } from '../shared/catalog-errors';
import type { TargetState } from './target.model';

export const MAX_TARGETS_PER_ENDPOINT = 16;
export const MAX_TARGET_WEIGHT = 1000;

/** A replica's weight: a whole number 1-1000 (its share of new requests among the active targets). */
export function validTargetWeight(weight: number): number {
  if (!Number.isInteger(weight) || weight < 1 || weight > MAX_TARGET_WEIGHT) {
    throw new CatalogError('INVALID_TARGET_WEIGHT', `weight must be a whole number from 1 to ${MAX_TARGET_WEIGHT}`, { weight });
  }
  return weight;
}

export function assertRoomForTarget(count: number): void {
  if (count >= MAX_TARGETS_PER_ENDPOINT) {
    throw new CatalogError('TARGET_LIMIT_REACHED', `An endpoint has at most ${MAX_TARGETS_PER_ENDPOINT} targets`, { limit: MAX_TARGETS_PER_ENDPOINT });
  }
}

/**
 * An endpoint always keeps one active target: draining or removing the last one would leave its
 * callers with nowhere to go (drain the endpoint itself for that). Removing a draining target is
 * always allowed.
 */
export function assertKeepsAnActiveTarget(targets: readonly { id: string; state: TargetState }[], leaving: string): void {
  const leavingTarget = targets.find((target) => target.id === leaving);
  if (!leavingTarget || leavingTarget.state !== 'active') return;
  if (!targets.some((target) => target.id !== leaving && target.state === 'active')) {
    throw new CatalogError('LAST_ACTIVE_TARGET', 'The last active target of an endpoint cannot be drained or removed; add another first', {
      targetId: leaving,
    });
  }
}
