import type { DigitChain } from './digit-chain';
import type { PiiDetector, PiiScanSettings } from './pii-settings';

/** Which digits of a match survive masking; every other digit becomes '*', separators stay. */
export interface MaskLayout {
  readonly keepLeading: number;
  readonly keepTrailing: number;
}

/**
 * Group lengths and the separator joining them (0 for a single group). The scanner calls a
 * detector only for candidates with one of its shapes, so a matcher checks meaning, not layout.
 */
export interface CandidateShape {
  readonly separators: readonly number[];
  readonly lengths: readonly number[];
}

/**
 * Groups first..first+groupCount-1 of a chain, all joined by `separator`, laid out as one of the
 * detector's shapes. Returns how to mask the candidate if the detector claims it.
 */
export type CandidateMatcher = (chain: DigitChain, first: number, groupCount: number, separator: number, settings: PiiScanSettings) => MaskLayout | undefined;

export interface Detector {
  readonly id: PiiDetector;
  readonly shapes: readonly CandidateShape[];
  readonly match: CandidateMatcher;
}

/** Every shape with `lengths` joined by any of `separators`; a single group takes no separator. */
export function shapes(separators: readonly number[], ...layouts: readonly (readonly number[])[]): CandidateShape[] {
  return layouts.map((lengths) => ({ separators: lengths.length === 1 ? [0] : separators, lengths }));
}
