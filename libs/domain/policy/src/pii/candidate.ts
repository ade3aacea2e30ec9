import type { DigitChain } from './digit-chain';
import type { PiiScanSettings } from './pii-settings';

/** Which digits of a match survive masking; every other digit becomes '*', separators stay. */
export interface MaskLayout {
  readonly keepLeading: number;
  readonly keepTrailing: number;
}

/**
 * Groups first..first+groupCount-1 of a chain, all joined by `separator` (0 for a single group).
 * Returns how to mask the candidate if the detector claims it.
 */
export type CandidateMatcher = (
  chain: DigitChain,
  first: number,
  groupCount: number,
  separator: number,
  settings: PiiScanSettings,
) => MaskLayout | undefined;

/** Whether the groups are exactly these lengths. */
export function hasGroupLengths(chain: DigitChain, first: number, lengths: readonly number[]): boolean {
  for (let index = 0; index < lengths.length; index++) {
    if (chain.groupEnds[first + index] - chain.groupStarts[first + index] !== lengths[index]) return false;
  }
  return true;
}
