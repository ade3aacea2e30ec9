import { formatDateTime, formatKrw, formatNumber, formatPercent, institutionName } from '../src/format/format';
import { currentMonthKst } from '../src/pages/usage-month';

const nbsp = (text: string) => text.replace(/\u00a0|\u202f/g, ' ');

describe('ko-KR formatting', () => {
  it('formats KRW without minor units, from exact decimal strings or numbers', () => {
    expect(formatKrw('5000000000', 'ko')).toBe('₩5,000,000,000');
    expect(formatKrw(1234.6, 'ko')).toBe('₩1,235');
    expect(formatKrw(null, 'ko')).toBe('—');
    expect(formatKrw('not a number', 'ko')).toBe('not a number');
  });

  it('formats dates in Korea Standard Time with Korean conventions, English on request', () => {
    expect(nbsp(formatDateTime('2026-12-03T15:30:05.000Z', 'ko'))).toBe('2026. 12. 04. 00:30:05');
    expect(nbsp(formatDateTime('2026-12-03T15:30:05.000Z', 'en'))).toBe('12/04/2026, 00:30:05');
    expect(formatDateTime(null, 'ko')).toBe('—');
    expect(formatDateTime('garbage', 'ko')).toBe('garbage');
  });

  it('formats numbers and shares', () => {
    expect(formatNumber(1234567, 'ko')).toBe('1,234,567');
    expect(formatNumber(Number.NaN, 'ko')).toBe('—');
    expect(formatPercent(0.5, 'ko')).toBe('50%');
    expect(formatPercent(0.3333, 'en')).toBe('33.3%');
  });

  it('names institutions Korean first, English in parentheses', () => {
    expect(institutionName({ nameKo: '한빛은행', nameEn: 'Hanbit Bank' })).toBe('한빛은행 (Hanbit Bank)');
    expect(institutionName(null)).toBe('—');
  });

  it('takes the current month in KST: 1 December 00:00 KST is 30 November 15:00 UTC', () => {
    expect(currentMonthKst(new Date('2026-11-30T15:00:00.000Z'))).toEqual({ from: '2026-11-30T15:00:00.000Z', to: '2026-12-31T15:00:00.000Z' });
    expect(currentMonthKst(new Date('2026-11-30T14:59:59.999Z'))).toEqual({ from: '2026-10-31T15:00:00.000Z', to: '2026-11-30T15:00:00.000Z' });
  });
});
