/** Data classifications, least to most sensitive. The order is the ceiling comparison. */
export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'personal-credit'] as const;

export type Classification = (typeof CLASSIFICATIONS)[number];

export function isClassification(value: unknown): value is Classification {
  return typeof value === 'string' && (CLASSIFICATIONS as readonly string[]).includes(value);
}

/** Position in {@link CLASSIFICATIONS}; -1 for anything that is not a classification. */
export function classificationRank(value: string): number {
  return (CLASSIFICATIONS as readonly string[]).indexOf(value);
}

export type ClassificationResolution =
  | { readonly ok: true; readonly classification: Classification; readonly source: 'header' | 'api-key-default' }
  | { readonly ok: false; readonly code: 'UNKNOWN_CLASSIFICATION'; readonly reason: string };

/**
 * The request's classification: the header when present, otherwise the API key's default.
 * An unrecognised header value is an error rather than a fallback to the default, so a typo
 * can never silently send data under a weaker label.
 */
export function resolveClassification(input: {
  readonly header?: string | null;
  readonly apiKeyDefault: Classification;
}): ClassificationResolution {
  if (input.header === undefined || input.header === null || input.header.trim() === '') {
    return { ok: true, classification: input.apiKeyDefault, source: 'api-key-default' };
  }
  const normalised = input.header.trim().toLowerCase();
  if (isClassification(normalised)) return { ok: true, classification: normalised, source: 'header' };
  return {
    ok: false,
    code: 'UNKNOWN_CLASSIFICATION',
    reason: `unknown data classification; expected one of ${CLASSIFICATIONS.join(', ')}`,
  };
}
