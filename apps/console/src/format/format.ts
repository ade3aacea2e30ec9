// ko-KR (or en-US) formatting of dates, numbers and KRW; institution names as "nameKo (nameEn)".
// Times are in KST on a 24-hour clock: audit evidence is read against logs, not a wall clock.
export type Locale = 'ko' | 'en';

const tag = (locale: Locale) => (locale === 'ko' ? 'ko-KR' : 'en-US');

export function formatDateTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(tag(locale), {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone: 'Asia/Seoul',
  }).format(date);
}

export function formatNumber(value: number | null | undefined, locale: Locale, maximumFractionDigits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(tag(locale), { maximumFractionDigits }).format(value);
}

export function formatPercent(fraction: number, locale: Locale): string {
  return new Intl.NumberFormat(tag(locale), { style: 'percent', maximumFractionDigits: 1 }).format(fraction);
}

/** KRW has no minor unit; amounts arrive as decimal strings (exact) or numbers. */
export function formatKrw(amount: string | number | null | undefined, locale: Locale): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const value = typeof amount === 'string' ? Number(amount) : amount;
  if (!Number.isFinite(value)) return String(amount);
  return new Intl.NumberFormat(tag(locale), { style: 'currency', currency: 'KRW', maximumFractionDigits: 0 }).format(value);
}

export interface NamedInstitution {
  readonly nameKo: string;
  readonly nameEn: string;
}

/** Korean first in both languages: the Korean name is the legal one. */
export function institutionName(institution: NamedInstitution | null | undefined): string {
  if (!institution) return '—';
  return `${institution.nameKo} (${institution.nameEn})`;
}
