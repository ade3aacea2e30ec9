import { isValidRrn, scanPrompt } from '../src';
import { only } from './fixtures';

const RRN_ONLY = only('rrn');
const RRN_WITHOUT_CHECKSUM = only('rrn', { rrn: { mode: 'mask', validateChecksum: false } });

describe('isValidRrn', () => {
  it.each([
    ['9001011234568', 'born 1990-01-01, male, check digit 8'],
    ['8503152345678', 'born 1985-03-15, female'],
    ['0002293456781', 'born 2000-02-29: 2000 is a leap year'],
    ['0207104123451', 'born 2002-07-10, G=4'],
    ['7512245123451', 'foreign resident, resident-style check digit'],
    ['7512245123453', 'foreign resident, older (13 − s mod 11) check digit'],
    ['9912316234562', 'foreign resident born 1999-12-31'],
  ])('accepts %s (%s)', (digits) => {
    expect(isValidRrn(digits, true)).toBe(true);
  });

  it.each([
    ['9001011234567', 'wrong check digit'],
    ['9001011234560', 'foreigner-style check digit on a G=1 number'],
    ['0002291234568', '1900-02-29 does not exist (G=1 means born in the 1900s)'],
    ['9013011234561', 'month 13'],
    ['9002301234561', 'February 30'],
    ['9001001234561', 'day 00'],
    ['9001019234560', 'G=9 (born in the 1800s)'],
    ['9001010234565', 'G=0 (born in the 1800s)'],
    ['900101123456', 'twelve digits'],
    ['900101-1234568', 'not only digits'],
  ])('rejects %s (%s)', (digits) => {
    expect(isValidRrn(digits, true)).toBe(false);
  });

  it('without checksum validation still requires a real date and a known G digit', () => {
    expect(isValidRrn('9001011234567', false)).toBe(true);
    expect(isValidRrn('9002301234567', false)).toBe(false);
    expect(isValidRrn('9001019234567', false)).toBe(false);
  });
});

describe('scanPrompt: resident registration numbers', () => {
  it('masks a hyphenated number keeping birth date and G digit', () => {
    expect(scanPrompt('고객 주민등록번호: 900101-1234568 확인 바랍니다.', RRN_ONLY)).toEqual({
      findings: [{ detector: 'rrn', count: 1 }],
      blocked: false,
      maskedText: '고객 주민등록번호: 900101-1****** 확인 바랍니다.',
    });
  });

  it('masks an unseparated number without needing a keyword', () => {
    expect(scanPrompt('id=8503152345678&x', RRN_ONLY).maskedText).toBe('id=8503152******&x');
  });

  it('finds numbers glued to Korean particles', () => {
    expect(scanPrompt('주민번호는900101-1234568입니다', RRN_ONLY).maskedText).toBe('주민번호는900101-1******입니다');
  });

  it('counts every occurrence', () => {
    const scan = scanPrompt('A: 900101-1234568, B: 850315-2345678, C: 900101-1234568', RRN_ONLY);
    expect(scan.findings).toEqual([{ detector: 'rrn', count: 3 }]);
    expect(scan.maskedText).toBe('A: 900101-1******, B: 850315-2******, C: 900101-1******');
  });

  it('ignores a wrong check digit by default', () => {
    expect(scanPrompt('주민번호 900101-1234567', RRN_ONLY).findings).toEqual([]);
  });

  it('finds numbers without a check digit (issued since October 2020) when checksum validation is off', () => {
    expect(scanPrompt('신청인 210315-3847261', RRN_ONLY).findings).toEqual([]);
    expect(scanPrompt('신청인 210315-3847261', RRN_WITHOUT_CHECKSUM).maskedText).toBe('신청인 210315-3******');
  });

  it('without checksum validation needs a keyword for an unseparated number', () => {
    expect(scanPrompt('ref 2103153847261', RRN_WITHOUT_CHECKSUM).findings).toEqual([]);
    expect(scanPrompt('주민등록번호 2103153847261', RRN_WITHOUT_CHECKSUM).maskedText).toBe('주민등록번호 2103153******');
    expect(scanPrompt('2103153847261 (resident no.)', RRN_WITHOUT_CHECKSUM).findings).toEqual([{ detector: 'rrn', count: 1 }]);
  });

  it.each([
    ['glued to letters', 'ABC900101-1234568xyz', 'ABC900101-1******xyz'],
    ['after a code prefix', 'KR-900101-1234568', 'KR-900101-1******'],
    ['with a space instead of a hyphen', '900101 1234568', '900101 1******'],
  ])('finds a valid number %s', (_label, text, masked) => {
    expect(scanPrompt(text, RRN_ONLY).maskedText).toBe(masked);
  });

  it.each([
    ['inside a longer number', '19001011234568'],
    ['followed by more digits', '9001011234568 is not 90010112345681'.slice(14)],
    ['followed by another hyphenated group', '900101-1234568-01'],
  ])('does not report a valid number %s', (_label, text) => {
    expect(scanPrompt(text, RRN_ONLY).findings).toEqual([]);
  });
});
