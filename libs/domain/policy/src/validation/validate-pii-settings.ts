import {
  PII_DETECTORS,
  PII_MODES,
  type InstitutionPiiSettings,
  type PiiDetector,
  type PiiMinimumModes,
  type PiiMode,
  type PiiScanSettings,
} from '../pii/pii-settings';
import { deepFreeze } from '../deep-freeze';
import { readBoolean, readEnum, readObject } from './json-readers';
import { ValidationIssues, pointer, type PolicyValidationError } from './validation-error';

/** Each detector's boolean options besides `mode`. */
const DETECTOR_OPTIONS: Readonly<Record<PiiDetector, readonly string[]>> = {
  rrn: ['validateChecksum'],
  card: ['requireKnownIin'],
  bankAccount: [],
  phone: [],
};

interface DetectorEntry {
  readonly mode?: PiiMode;
  readonly options: Readonly<Record<string, boolean>>;
}

/** `complete`: every field required (policy defaults); otherwise every field optional (institution override). */
function readDetectorEntry(value: unknown, path: string, detector: PiiDetector, issues: ValidationIssues, complete: boolean): DetectorEntry | undefined {
  const fields = ['mode', ...DETECTOR_OPTIONS[detector]];
  const entry = readObject(value, path, issues, complete ? { required: fields } : { required: [], optional: fields });
  if (entry === undefined) return undefined;
  const mode = entry['mode'] === undefined ? undefined : readEnum(entry['mode'], pointer(path, 'mode'), PII_MODES, issues);
  const options: Record<string, boolean> = {};
  for (const option of DETECTOR_OPTIONS[detector]) {
    if (entry[option] === undefined) continue;
    const flag = readBoolean(entry[option], pointer(path, option), issues);
    if (flag !== undefined) options[option] = flag;
  }
  return { mode, options };
}

function readEntries(value: unknown, path: string, issues: ValidationIssues, complete: boolean): Partial<Record<PiiDetector, DetectorEntry>> | undefined {
  const object = readObject(value, path, issues, complete ? { required: PII_DETECTORS } : { required: [], optional: PII_DETECTORS });
  if (object === undefined) return undefined;
  const entries: Partial<Record<PiiDetector, DetectorEntry>> = {};
  for (const detector of PII_DETECTORS) {
    if (object[detector] === undefined) continue;
    const entry = readDetectorEntry(object[detector], pointer(path, detector), detector, issues, complete);
    if (entry !== undefined) entries[detector] = entry;
  }
  return entries;
}

/** Complete settings, as a policy's defaults must be. */
export function readPiiScanSettings(value: unknown, path: string, issues: ValidationIssues): PiiScanSettings | undefined {
  const before = issues.count;
  const entries = readEntries(value, path, issues, true);
  if (entries === undefined || issues.count !== before) return undefined;
  const { rrn, card, bankAccount, phone } = entries as Required<typeof entries>;
  return {
    rrn: { mode: rrn.mode as PiiMode, validateChecksum: rrn.options['validateChecksum'] as boolean },
    card: { mode: card.mode as PiiMode, requireKnownIin: card.options['requireKnownIin'] as boolean },
    bankAccount: { mode: bankAccount.mode as PiiMode },
    phone: { mode: phone.mode as PiiMode },
  };
}

export function readMinimumModes(value: unknown, path: string, issues: ValidationIssues): PiiMinimumModes | undefined {
  const object = readObject(value, path, issues, { required: PII_DETECTORS });
  if (object === undefined) return undefined;
  const before = issues.count;
  const modes: Partial<Record<PiiDetector, PiiMode>> = {};
  for (const detector of PII_DETECTORS) {
    if (object[detector] === undefined) continue;
    modes[detector] = readEnum(object[detector], pointer(path, detector), PII_MODES, issues);
  }
  return issues.count === before ? (modes as PiiMinimumModes) : undefined;
}

function withMode<T extends object>(mode: PiiMode | undefined, rest: T): T & { mode?: PiiMode } {
  return mode === undefined ? rest : { mode, ...rest };
}

export type InstitutionPiiSettingsValidation =
  { readonly ok: true; readonly settings: InstitutionPiiSettings } | { readonly ok: false; readonly errors: readonly PolicyValidationError[] };

/** Checks an institution's stored PII setting: any subset of detectors and options, nothing unknown. */
export function validateInstitutionPiiSettings(json: unknown): InstitutionPiiSettingsValidation {
  const issues = new ValidationIssues();
  const entries = readEntries(json, '', issues, false);
  if (entries === undefined || issues.count > 0) return { ok: false, errors: issues.errors };
  const settings: { -readonly [D in PiiDetector]?: InstitutionPiiSettings[D] } = {};
  const { rrn, card, bankAccount, phone } = entries;
  if (rrn) settings.rrn = withMode(rrn.mode, rrn.options['validateChecksum'] === undefined ? {} : { validateChecksum: rrn.options['validateChecksum'] });
  if (card) settings.card = withMode(card.mode, card.options['requireKnownIin'] === undefined ? {} : { requireKnownIin: card.options['requireKnownIin'] });
  if (bankAccount) settings.bankAccount = withMode(bankAccount.mode, {});
  if (phone) settings.phone = withMode(phone.mode, {});
  return { ok: true, settings: deepFreeze(settings) };
}
