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
  return {
    rrn: {
      mode: atLeast(institution?.rrn?.mode ?? defaults.rrn.mode, minimumModes.rrn),
      validateChecksum: institution?.rrn?.validateChecksum ?? defaults.rrn.validateChecksum,
    },
    card: {
      mode: atLeast(institution?.card?.mode ?? defaults.card.mode, minimumModes.card),
      requireKnownIin: institution?.card?.requireKnownIin ?? defaults.card.requireKnownIin,
    },
    bankAccount: { mode: atLeast(institution?.bankAccount?.mode ?? defaults.bankAccount.mode, minimumModes.bankAccount) },
    phone: { mode: atLeast(institution?.phone?.mode ?? defaults.phone.mode, minimumModes.phone) },
  };
}
