/** Detectors, in the order findings are reported and overlapping candidates are claimed. */
export const PII_DETECTORS = ['rrn', 'card', 'bankAccount', 'phone'] as const;
export type PiiDetector = (typeof PII_DETECTORS)[number];

/** Ordered from weakest to strongest; the order is what a policy's minimum mode compares against. */
export const PII_MODES = ['off', 'mask', 'block'] as const;
export type PiiMode = (typeof PII_MODES)[number];

export interface PiiScanSettings {
  readonly rrn: {
    readonly mode: PiiMode;
    /**
     * Require the check digit. Numbers issued since October 2020 carry a random last digit, so
     * with this on they are found only by chance (1 in 10); turn it off to find them, at the cost
     * of more false positives (an unseparated 13-digit number then also needs a nearby keyword).
     */
    readonly validateChecksum: boolean;
  };
  readonly card: {
    readonly mode: PiiMode;
    /** Only report numbers whose prefix belongs to a known card brand (see card.ts). */
    readonly requireKnownIin: boolean;
  };
  readonly bankAccount: { readonly mode: PiiMode };
  readonly phone: { readonly mode: PiiMode };
}

/** An institution's own setting: any detector or option may be left to the policy's default. */
export interface InstitutionPiiSettings {
  readonly rrn?: { readonly mode?: PiiMode; readonly validateChecksum?: boolean };
  readonly card?: { readonly mode?: PiiMode; readonly requireKnownIin?: boolean };
  readonly bankAccount?: { readonly mode?: PiiMode };
  readonly phone?: { readonly mode?: PiiMode };
}

export type PiiMinimumModes = Readonly<Record<PiiDetector, PiiMode>>;

export function piiModeRank(mode: PiiMode): number {
  return PII_MODES.indexOf(mode);
}

function atLeast(mode: PiiMode, minimum: PiiMode): PiiMode {
  return piiModeRank(mode) >= piiModeRank(minimum) ? mode : minimum;
}

/**
 * The settings a scan runs with: the institution's choice where it made one, the policy's default
 * elsewhere, and never weaker than the policy's minimum for that detector.
 */
export function effectivePiiSettings(
  defaults: PiiScanSettings,
  minimumModes: PiiMinimumModes,
  institution: InstitutionPiiSettings | undefined,
): PiiScanSettings {
  // Untyped callers (a preview's sample) may pass anything: only well-typed choices count.
  const chosen = <T>(detector: keyof InstitutionPiiSettings, option: string, valid: (value: unknown) => value is T): T | undefined => {
    const entry: unknown = isRecord(institution) ? institution[detector] : undefined;
    const value = isRecord(entry) ? entry[option] : undefined;
    return valid(value) ? value : undefined;
  };
  const modeOf = (detector: PiiDetector) => atLeast(chosen(detector, 'mode', isPiiMode) ?? defaults[detector].mode, minimumModes[detector]);
  return {
    rrn: { mode: modeOf('rrn'), validateChecksum: chosen('rrn', 'validateChecksum', isBoolean) ?? defaults.rrn.validateChecksum },
    card: { mode: modeOf('card'), requireKnownIin: chosen('card', 'requireKnownIin', isBoolean) ?? defaults.card.requireKnownIin },
    bankAccount: { mode: modeOf('bankAccount') },
    phone: { mode: modeOf('phone') },
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isPiiMode = (value: unknown): value is PiiMode => (PII_MODES as readonly unknown[]).includes(value);
