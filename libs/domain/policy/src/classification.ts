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

/** Where a request's classification came from. */
export type ClassificationSource = 'header' | 'api-key-default' | 'institution-floor' | 'token-default';

/**
 * The classification of a request with neither header nor API key (a service-account token): a
 * default, not a floor; only the institution's floor binds such callers.
 */
export const TOKEN_DEFAULT_CLASSIFICATION: Classification = 'internal';

export type ClassificationResolution =
  | { readonly ok: true; readonly classification: Classification; readonly source: ClassificationSource; readonly floor: Classification }
  | { readonly ok: false; readonly code: 'UNKNOWN_CLASSIFICATION'; readonly reason: string }
  | {
      readonly ok: false;
      readonly code: 'BELOW_FLOOR';
      readonly requested: Classification;
      readonly floor: Classification;
      readonly floorSource: 'api-key-default' | 'institution-floor';
      readonly reason: string;
    };

/** The higher of two classifications. */
export function higherClassification(a: Classification, b: Classification): Classification {
  return classificationRank(a) >= classificationRank(b) ? a : b;
}

/**
 * The request's classification. The API key's default and the institution's floor (if any) are
 * both floors: with no header the request carries the higher of them; a header may raise the
 * classification, never lower it below that floor (a key labelled `personal-credit` cannot send
 * its data as `public` to an endpoint only cleared for public data). An unrecognised or blank
 * header is an error rather than a fallback, so a typo never sends data under a weaker label.
 * `header` undefined or null means no header was sent; `apiKeyDefault` undefined means the caller
 * has no API key (see TOKEN_DEFAULT_CLASSIFICATION).
 */
export function resolveClassification(input: {
  readonly header?: string | null;
  readonly apiKeyDefault?: Classification;
  readonly institutionFloor?: Classification | null;
}): ClassificationResolution {
  const keyFloor = input.apiKeyDefault ?? 'public';
  const floor = input.institutionFloor ? higherClassification(keyFloor, input.institutionFloor) : keyFloor;
  const floorSource = input.apiKeyDefault !== undefined && floor === input.apiKeyDefault ? 'api-key-default' : 'institution-floor';
  if (input.header === undefined || input.header === null) {
    if (input.apiKeyDefault === undefined && classificationRank(TOKEN_DEFAULT_CLASSIFICATION) > classificationRank(floor)) {
      return { ok: true, classification: TOKEN_DEFAULT_CLASSIFICATION, source: 'token-default', floor };
    }
    return { ok: true, classification: floor, source: floorSource, floor };
  }
  const normalised = input.header.trim().toLowerCase();
  if (!isClassification(normalised)) {
    return {
      ok: false,
      code: 'UNKNOWN_CLASSIFICATION',
      reason: `unknown data classification; expected one of ${CLASSIFICATIONS.join(', ')}`,
    };
  }
  if (classificationRank(normalised) < classificationRank(floor)) {
    return {
      ok: false,
      code: 'BELOW_FLOOR',
      requested: normalised,
      floor,
      floorSource,
      reason: `the request is labelled '${normalised}', below the ${floorSource === 'api-key-default' ? "API key's default" : "institution's floor"} '${floor}'; a label may raise the classification, never lower it`,
    };
  }
  return { ok: true, classification: normalised, source: 'header', floor };
}
