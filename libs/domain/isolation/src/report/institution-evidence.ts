/** An institution as a signed report names it. */
export interface ReportInstitution {
  id: string;
  slug: string;
}

export interface InstitutionCheck {
  id: string;
  title: string;
  concern: string;
  status: string;
  summary: string;
  evidence: unknown;
  durationMs: number;
}

/** What stands in for another institution's id or slug in an institution's own evidence. */
export const OTHER_INSTITUTION = '(another institution)';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches an institution's id or slug as a whole token (slugs are kebab-case: `hanbit-bank` is not in `hanbit-bank-2`). */
function tokenPattern(institutions: readonly ReportInstitution[]): RegExp | null {
  const tokens = institutions.flatMap((institution) => [institution.id, institution.slug]).filter((token) => typeof token === 'string' && token.length > 0);
  if (!tokens.length) return null;
  tokens.sort((a, b) => b.length - a.length);
  return new RegExp(`(?<![A-Za-z0-9_-])(?:${tokens.map(escape).join('|')})(?![A-Za-z0-9_-])`, 'g');
}

function mentions(value: unknown, pattern: RegExp | null): boolean {
  if (!pattern) return false;
  if (typeof value === 'string') {
    pattern.lastIndex = 0;
    return pattern.test(value);
  }
  if (Array.isArray(value)) return value.some((entry) => mentions(entry, pattern));
  if (value && typeof value === 'object') return Object.entries(value).some(([key, entry]) => mentions(key, pattern) || mentions(entry, pattern));
  return false;
}

/**
 * Another institution's part of the evidence left out: list entries that concern only others are
 * dropped, members keyed by another institution dropped, and another institution's id or slug
 * anywhere else replaced by `OTHER_INSTITUTION` (e.g. "probed from us to another: empty").
 */
function redact(value: unknown, self: RegExp | null, others: RegExp | null): unknown {
  if (!others) return value;
  if (typeof value === 'string') return value.replace(others, OTHER_INSTITUTION);
  if (Array.isArray(value)) return value.filter((entry) => !mentions(entry, others) || mentions(entry, self)).map((entry) => redact(entry, self, others));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !mentions(key, others))
        .map(([key, entry]) => [key, redact(entry, self, others)]),
    );
  }
  return value;
}

/**
 * The checks of a signed report that concern one institution, as that institution may see them:
 * a check whose evidence names it, or names no institution at all (a platform-wide control that
 * protects every member); a check about other institutions only is left out. Pure.
 */
export function checksConcerning(checks: readonly InstitutionCheck[], self: ReportInstitution, institutions: readonly ReportInstitution[]): InstitutionCheck[] {
  const selfPattern = tokenPattern([self]);
  const othersPattern = tokenPattern(institutions.filter((institution) => institution.id !== self.id));
  const anyPattern = tokenPattern(institutions);
  return checks
    .filter((check) => mentions(check.evidence, selfPattern) || !mentions(check.evidence, anyPattern))
    .map((check) => ({
      ...check,
      summary: redact(check.summary, selfPattern, othersPattern) as string,
      evidence: redact(check.evidence, selfPattern, othersPattern),
    }));
}
