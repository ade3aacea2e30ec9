import { matchBankAccount } from './bank-account';
import { matchCard } from './card';
import type { CandidateMatcher, MaskLayout } from './candidate';
import { SPACE, createDigitChain, isDigit, readDigitChain, spanStart, type DigitChain } from './digit-chain';
import { matchPhone } from './phone';
import { PII_DETECTORS, type PiiDetector, type PiiScanSettings } from './pii-settings';
import { matchRrn } from './rrn';

/** What an audit record may hold about a prompt: which detectors fired and how often, never the text. */
export interface PiiFindingCount {
  readonly detector: PiiDetector;
  readonly count: number;
}

export interface PromptScan {
  /** Detectors with at least one match, in {@link PII_DETECTORS} order. */
  readonly findings: readonly PiiFindingCount[];
  /** The prompt with `mask`-mode matches masked; present only when something was masked and nothing blocked. */
  readonly maskedText?: string;
  /** A `block`-mode detector matched: the prompt must not be forwarded. */
  readonly blocked: boolean;
}

/** The longest candidate has five groups (a 19-digit card written 4-4-4-4-3). */
const MAX_GROUPS = 5;
const MASK_CHARACTER = '*';

/** In priority order: where shapes overlap (13 unseparated digits), the earlier detector claims the number. */
const MATCHERS: Readonly<Record<PiiDetector, CandidateMatcher>> = {
  rrn: matchRrn,
  card: matchCard,
  bankAccount: matchBankAccount,
  phone: matchPhone,
};

const NOTHING_FOUND: PromptScan = Object.freeze({ findings: Object.freeze([]), blocked: false });

export function maskSpan(text: string, start: number, end: number, layout: MaskLayout): string {
  let digitCount = 0;
  for (let index = start; index < end; index++) if (isDigit(text.charCodeAt(index))) digitCount++;
  const maskedFrom = layout.keepLeading;
  const maskedTo = digitCount - layout.keepTrailing;
  let masked = '';
  let digitIndex = 0;
  for (let index = start; index < end; index++) {
    const character = text[index];
    if (!isDigit(text.charCodeAt(index))) {
      masked += character;
      continue;
    }
    masked += digitIndex >= maskedFrom && digitIndex < maskedTo ? MASK_CHARACTER : character;
    digitIndex++;
  }
  return masked;
}

/** Mutable state of one scan. */
interface ScanState {
  readonly text: string;
  readonly settings: PiiScanSettings;
  readonly detectors: readonly PiiDetector[];
  readonly counts: Record<PiiDetector, number>;
  masked: string;
  maskedUpTo: number;
  anyMasked: boolean;
  blocked: boolean;
}

function record(state: ScanState, detector: PiiDetector, start: number, end: number, layout: MaskLayout): void {
  state.counts[detector]++;
  const mode = state.settings[detector].mode;
  if (mode === 'block') {
    state.blocked = true;
  } else if (mode === 'mask' && !state.blocked) {
    state.masked += state.text.slice(state.maskedUpTo, start) + maskSpan(state.text, start, end, layout);
    state.maskedUpTo = end;
    state.anyMasked = true;
  }
}

/** A candidate may start at the chain's start or after a space, and end at the chain's end or before a space. */
function canStartAt(chain: DigitChain, group: number): boolean {
  return group === 0 ? chain.leftBounded : chain.separators[group - 1] === SPACE;
}

function canEndAt(chain: DigitChain, group: number): boolean {
  return group === chain.groupCount - 1 ? chain.rightBounded : chain.separators[group] === SPACE;
}

/**
 * Tries every allowed start once, longest candidate first, so a chain of g groups costs at most
 * 5g shape checks whatever its content.
 */
function scanChain(state: ScanState, chain: DigitChain): void {
  let first = 0;
  while (first < chain.groupCount) {
    let claimedGroups = 0;
    if (canStartAt(chain, first)) {
      const separator = first + 1 < chain.groupCount ? chain.separators[first] : 0;
      let consistentGroups = 1;
      while (consistentGroups < MAX_GROUPS && first + consistentGroups < chain.groupCount
        && chain.separators[first + consistentGroups - 1] === separator) consistentGroups++;

      for (let groupCount = consistentGroups; groupCount >= 1 && claimedGroups === 0; groupCount--) {
        const last = first + groupCount - 1;
        if (!canEndAt(chain, last)) continue;
        for (const detector of state.detectors) {
          const layout = MATCHERS[detector](chain, first, groupCount, groupCount > 1 ? separator : 0, state.settings);
          if (layout === undefined) continue;
          record(state, detector, spanStart(chain, first), chain.groupEnds[last], layout);
          claimedGroups = groupCount;
          break;
        }
      }
    }
    first += claimedGroups > 0 ? claimedGroups : 1;
  }
}

/**
 * Finds resident registration, card, bank account and phone numbers in one pass and masks or
 * blocks them per detector mode. Detectors whose mode is `off` are not run.
 */
export function scanPrompt(text: string, settings: PiiScanSettings): PromptScan {
  const detectors = PII_DETECTORS.filter((detector) => settings[detector].mode !== 'off');
  if (detectors.length === 0) return NOTHING_FOUND;

  const state: ScanState = {
    text, settings, detectors,
    counts: { rrn: 0, card: 0, bankAccount: 0, phone: 0 },
    masked: '', maskedUpTo: 0, anyMasked: false, blocked: false,
  };
  const chain = createDigitChain();
  for (let from = 0; readDigitChain(text, from, chain); from = chain.end) scanChain(state, chain);

  const findings = detectors.filter((detector) => state.counts[detector] > 0)
    .map((detector) => ({ detector, count: state.counts[detector] }));
  if (findings.length === 0) return NOTHING_FOUND;
  if (state.blocked || !state.anyMasked) return { findings, blocked: state.blocked };
  return { findings, blocked: false, maskedText: state.masked + text.slice(state.maskedUpTo) };
}
