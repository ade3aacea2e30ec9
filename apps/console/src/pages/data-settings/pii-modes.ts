// An institution's PII settings as the API stores them: { detector: { mode?, ...options } }. The
// console edits the modes and keeps every other option as it was.
export const PII_DETECTORS = ['rrn', 'card', 'bankAccount', 'phone'] as const;
export const PII_MODES = ['off', 'mask', 'block'] as const;
export type PiiDetector = (typeof PII_DETECTORS)[number];
export type PiiMode = (typeof PII_MODES)[number];
type Settings = Record<string, Record<string, unknown>>;

/** Each detector's mode; undefined where the policy's default applies. */
export function modesOf(settings: Settings): Record<PiiDetector, PiiMode | undefined> {
  return Object.fromEntries(
    PII_DETECTORS.map((detector) => {
      const mode = settings[detector]?.['mode'];
      return [detector, (PII_MODES as readonly unknown[]).includes(mode) ? (mode as PiiMode) : undefined];
    }),
  ) as Record<PiiDetector, PiiMode | undefined>;
}

/** The settings with the modes replaced (undefined: the policy default), other options untouched. */
export function withModes(settings: Settings, modes: Partial<Record<PiiDetector, PiiMode | undefined>>): Settings {
  const next: Settings = { ...settings };
  for (const detector of PII_DETECTORS) {
    if (!(detector in modes)) continue;
    const { mode: _previous, ...options } = next[detector] ?? {};
    const mode = modes[detector];
    if (mode) next[detector] = { ...options, mode };
    else if (Object.keys(options).length) next[detector] = options;
    else delete next[detector];
  }
  return next;
}
