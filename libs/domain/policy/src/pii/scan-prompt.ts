import { BANK_ACCOUNT_DETECTOR } from './bank-account';
import { CARD_DETECTOR } from './card';
import type { Detector, MaskLayout } from './candidate';
import { SPACE, chainRegionStart, createDigitChain, isDigit, readDigitChain, spanStart, type DigitChain } from './digit-chain';
import { applyMaskToOriginal, combineMasks, normalizeForScan, originalIndexOf, withInvisiblesAsSeparators, type ScanCopy } from './normalize-for-scan';
import { PHONE_DETECTOR } from './phone';
import { PII_DETECTORS, type PiiDetector, type PiiScanSettings } from './pii-settings';
import { RRN_DETECTOR } from './rrn';
import { GROUP_SHIFTS, MAX_GROUPS, MAX_GROUP_LENGTH, buildShapeTable, separatorKey } from './shape-table';

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

/** In priority order: where shapes overlap (13 unseparated digits), the earlier detector claims the number. */
const DETECTORS: readonly Detector[] = [RRN_DETECTOR, CARD_DETECTOR, BANK_ACCOUNT_DETECTOR, PHONE_DETECTOR];

/** One table per set of enabled detectors (at most 16), built on first use, so a scan never asks a disabled one. */
const SHAPE_TABLES = new Map<string, ReturnType<typeof buildShapeTable>>();

function shapeTableFor(enabled: readonly PiiDetector[]): ReturnType<typeof buildShapeTable> {
  const key = enabled.join(',');
  let table = SHAPE_TABLES.get(key);
  if (table === undefined) {
    table = buildShapeTable(DETECTORS.filter((detector) => enabled.includes(detector.id)));
    SHAPE_TABLES.set(key, table);
  }
  return table;
}

/**
 * Scratch space reused by every scan. scanPrompt is synchronous and calls no outside code, so no
 * two scans can ever use it at once.
 */
const SCRATCH_CHAIN = createDigitChain();
const SCRATCH_KEYS = new Int32Array(MAX_GROUPS);

const NOTHING_FOUND: PromptScan = Object.freeze({ findings: Object.freeze([]), blocked: false });

const MASK_CHARACTER = '*';

/** text[start, end) with every digit outside the layout's kept ones replaced by '*'. */
function maskSpan(text: string, start: number, end: number, layout: MaskLayout): string {
  let digitCount = 0;
  for (let index = start; index < end; index++) if (isDigit(text.charCodeAt(index))) digitCount++;
  const maskedTo = digitCount - layout.keepTrailing;
  let masked = '';
  let digitIndex = 0;
  for (let index = start; index < end; index++) {
    const character = text[index];
    if (!isDigit(text.charCodeAt(index))) {
      masked += character;
      continue;
    }
    masked += digitIndex >= layout.keepLeading && digitIndex < maskedTo ? MASK_CHARACTER : character;
    digitIndex++;
  }
  return masked;
}

/** Mutable state of one scan. */
interface ScanState {
  readonly text: string;
  readonly settings: PiiScanSettings;
  readonly shapeTable: ReturnType<typeof buildShapeTable>;
  readonly counts: Record<PiiDetector, number>;
  /** Start, end (copy positions) and detector index of each match, when `spans` is kept. */
  readonly spans?: number[];
  masked: string;
  maskedUpTo: number;
  anyMasked: boolean;
  blocked: boolean;
}

function record(state: ScanState, detector: PiiDetector, start: number, end: number, layout: MaskLayout): void {
  state.counts[detector]++;
  state.spans?.push(start, end, PII_DETECTORS.indexOf(detector));
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
 * 5g shape-table lookups whatever its content; detectors run only on candidates of their shapes.
 */
function scanChain(state: ScanState, chain: DigitChain): void {
  let first = 0;
  while (first < chain.groupCount) {
    let claimedGroups = 0;
    if (canStartAt(chain, first)) {
      const separator = first + 1 < chain.groupCount ? chain.separators[first] : 0;
      const joinedBy = separatorKey(separator);
      // Keys of the 1..n-group candidates starting here. Every multi-group shape takes both
      // separators, and a writer may mix them ("4111 1111-1111.1111"), so the first one keys them.
      let lengths = 0;
      let candidates = 0;
      while (candidates < MAX_GROUPS && first + candidates < chain.groupCount) {
        const length = chain.groupDigits[first + candidates];
        if (length > MAX_GROUP_LENGTH) break;
        lengths += length * GROUP_SHIFTS[candidates];
        SCRATCH_KEYS[candidates] = candidates === 0 ? lengths : lengths + joinedBy;
        candidates++;
      }
      for (let groupCount = candidates; groupCount >= 1 && claimedGroups === 0; groupCount--) {
        const claimants = state.shapeTable.get(SCRATCH_KEYS[groupCount - 1]);
        if (claimants === undefined) continue;
        const last = first + groupCount - 1;
        if (!canEndAt(chain, last)) continue;
        claimedGroups = claim(state, claimants, chain, first, groupCount, groupCount > 1 ? separator : 0);
      }
    }
    first += claimedGroups > 0 ? claimedGroups : 1;
  }
}

/** The first detector that accepts the candidate records it; returns the groups claimed. */
function claim(state: ScanState, claimants: readonly Detector[], chain: DigitChain, first: number, groupCount: number, separator: number): number {
  for (const detector of claimants) {
    const layout = detector.match(chain, first, groupCount, separator, state.settings);
    if (layout === undefined) continue;
    record(state, detector.id, spanStart(chain, first), chain.groupEnds[first + groupCount - 1], layout);
    return groupCount;
  }
  return 0;
}

/**
 * Finds resident registration, card, bank account and phone numbers in one pass and masks or
 * blocks them per detector mode. Detectors whose mode is `off` are not run. The detectors read a
 * normalised copy (normalize-for-scan.ts); masks land on the same characters of the original. An
 * invisible character next to a digit may hide a separator or split a group, so such a text is
 * read a second time with invisible characters as separators (only adding findings).
 */
export function scanPrompt(original: string, settings: PiiScanSettings): PromptScan {
  const detectors = PII_DETECTORS.filter((detector) => settings[detector].mode !== 'off');
  if (detectors.length === 0) return NOTHING_FOUND;
  const shapeTable = shapeTableFor(detectors);
  const counts: Record<PiiDetector, number> = { rrn: 0, card: 0, bankAccount: 0, phone: 0 };
  const firstCopy = normalizeForScan(original);
  const first = scanCopy(firstCopy, settings, shapeTable, counts, firstCopy.invisibleNextToDigit ? [] : undefined);
  // Both readings look at the original, so a match the first finds cannot hide one from the second.
  let second: Reading | undefined;
  if (firstCopy.invisibleNextToDigit && !first.blocked) {
    const secondCounts: Record<PiiDetector, number> = { rrn: 0, card: 0, bankAccount: 0, phone: 0 };
    second = scanCopy(withInvisiblesAsSeparators(firstCopy), settings, shapeTable, secondCounts, [], true);
    countNewMatches(first, second, counts);
  }

  const findings = detectors.filter((detector) => counts[detector] > 0).map((detector) => ({ detector, count: counts[detector] }));
  if (findings.length === 0) return NOTHING_FOUND;
  const blocked = first.blocked || second?.blocked === true;
  const masked = [first, second].filter((reading): reading is Reading & { maskedCopy: string } => reading?.maskedCopy !== undefined);
  if (blocked || masked.length === 0) return { findings, blocked };
  const maskedText = masked.length === 1 ? applyMaskToOriginal(original, masked[0].copy, masked[0].maskedCopy) : combineMasks(original, masked);
  return { findings, blocked: false, maskedText };
}

interface Reading {
  readonly copy: ScanCopy;
  readonly blocked: boolean;
  readonly spans?: readonly number[];
  /** The copy with this reading's mask-mode matches masked, if any. */
  readonly maskedCopy?: string;
}

/**
 * One reading of the original through a scan copy; counts are added to `counts`, match spans to
 * `spans` if given. With `onlyAroundInvisibles`, only the chains holding an invisible character
 * (now a separator) are read: the rest reads as in the first reading.
 */
function scanCopy(
  copy: ScanCopy,
  settings: PiiScanSettings,
  shapeTable: ReturnType<typeof buildShapeTable>,
  counts: Record<PiiDetector, number>,
  spans?: number[],
  onlyAroundInvisibles = false,
): Reading {
  const text = copy.text;
  const state: ScanState = { text, settings, shapeTable, counts, spans, masked: '', maskedUpTo: 0, anyMasked: false, blocked: false };
  const chain = SCRATCH_CHAIN;
  if (!onlyAroundInvisibles) {
    for (let from = 0; readDigitChain(text, from, chain); from = chain.end) scanChain(state, chain);
  } else {
    let readUpTo = 0;
    for (const at of copy.invisibleAt) {
      if (at < readUpTo) continue;
      // Chains only move forward, so each character is read at most twice (walking back, then reading).
      for (let from = Math.max(readUpTo, chainRegionStart(text, at)); readDigitChain(text, from, chain); from = chain.end) {
        scanChain(state, chain);
        readUpTo = chain.end;
        if (chain.end >= at) break;
      }
      if (readUpTo < at) break;
    }
  }
  chain.text = '';
  if (state.blocked || !state.anyMasked) return { copy, blocked: state.blocked, spans };
  return { copy, blocked: false, spans, maskedCopy: state.masked + text.slice(state.maskedUpTo) };
}

/** Adds the second reading's matches that overlap none of the first's: one number found both ways counts once. */
function countNewMatches(first: Reading, second: Reading, counts: Record<PiiDetector, number>): void {
  const seen: number[] = [];
  const firstSpans = first.spans ?? [];
  for (let at = 0; at < firstSpans.length; at += 3) {
    seen.push(originalIndexOf(first.copy, firstSpans[at], false), originalIndexOf(first.copy, firstSpans[at + 1], true));
  }
  const secondSpans = second.spans ?? [];
  for (let at = 0; at < secondSpans.length; at += 3) {
    const start = originalIndexOf(second.copy, secondSpans[at], false);
    const end = originalIndexOf(second.copy, secondSpans[at + 1], true);
    let overlaps = false;
    for (let known = 0; known < seen.length && !overlaps; known += 2) overlaps = start < seen[known + 1] && seen[known] < end;
    if (!overlaps) counts[PII_DETECTORS[secondSpans[at + 2]]]++;
  }
}
