// Candidate shapes are packed into one small integer: five bits per group length (lengths 1–31;
// no detector needs more), then the separator. The scanner builds a candidate's key incrementally
// and asks this table which detectors, if any, could claim it — most candidates are rejected by
// one Map lookup without calling a detector.
import type { CandidateShape, Detector } from './candidate';
import { DOT, HYPHEN, SPACE } from './digit-chain';

export const MAX_GROUPS = 5;
export const MAX_GROUP_LENGTH = 31;
export const GROUP_SHIFTS = [1, 32, 1024, 32768, 1048576] as const;
const SEPARATOR_SHIFT = 33554432;

/** 0 for a single group; separators other than '-', ' ', '.' never join a chain. */
export function separatorKey(separator: number): number {
  return separator === HYPHEN ? SEPARATOR_SHIFT : separator === SPACE ? 2 * SEPARATOR_SHIFT : separator === DOT ? 3 * SEPARATOR_SHIFT : 0;
}

function keysOf(shape: CandidateShape): number[] {
  const lengths = shape.lengths.reduce((key, length, index) => key + length * GROUP_SHIFTS[index], 0);
  return shape.separators.map((separator) => lengths + separatorKey(separator));
}

/** Shape key → the detectors with that shape, in the given (priority) order. */
export function buildShapeTable(detectors: readonly Detector[]): ReadonlyMap<number, readonly Detector[]> {
  const table = new Map<number, Detector[]>();
  for (const detector of detectors) {
    for (const shape of detector.shapes) {
      if (shape.lengths.length > MAX_GROUPS || shape.lengths.some((length) => length < 1 || length > MAX_GROUP_LENGTH)) {
        throw new Error(`${detector.id}: shape ${shape.lengths.join('-')} cannot be keyed`);
      }
      for (const key of keysOf(shape)) {
        const claimants = table.get(key) ?? [];
        if (!claimants.includes(detector)) claimants.push(detector);
        table.set(key, claimants);
      }
    }
  }
  return table;
}
