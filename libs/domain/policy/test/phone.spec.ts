import { scanPrompt } from '../src';
import { only } from './fixtures';

const PHONE_ONLY = only('phone');

describe('scanPrompt: Korean phone numbers', () => {
  it.each([
    ['010-1234-5678', '010-****-5678'],
    ['010 1234 5678', '010 **** 5678'],
    ['010.1234.5678', '010.****.5678'],
    ['01012345678', '010****5678'],
    ['011-123-4567', '011-***-4567'],
    ['0161234567', '016***4567'],
    ['02-312-4567', '02-***-4567'],
    ['02-2345-6789', '02-****-6789'],
    ['02 2345 6789', '02 **** 6789'],
    ['031-234-5678', '031-***-5678'],
    ['064-7123-4567', '064-****-4567'],
    ['070-1234-5678', '070-****-5678'],
    ['+82-10-1234-5678', '+82-10-****-5678'],
    ['+82 10 1234 5678', '+82 10 **** 5678'],
    ['+82 10-1234-5678', '+82 10-****-5678'],
    ['+821012345678', '+8210****5678'],
    ['+82 010-1234-5678', '+82 010-****-5678'],
    ['+82-2-312-4567', '+82-2-***-4567'],
  ])('masks %s as %s', (number, masked) => {
    expect(scanPrompt(`연락처 ${number}로 연락 주세요`, PHONE_ONLY)).toEqual({
      findings: [{ detector: 'phone', count: 1 }],
      blocked: false,
      maskedText: `연락처 ${masked}로 연락 주세요`,
    });
  });

  it('finds several numbers in one sentence, however they are separated', () => {
    const scan = scanPrompt('Mobile: 010-1234-5678,010-9876-5432; office (02) 312-4567 or 02-312-4567.', PHONE_ONLY);
    expect(scan.findings).toEqual([{ detector: 'phone', count: 3 }]);
    expect(scan.maskedText).toBe('Mobile: 010-****-5678,010-****-5432; office (02) 312-4567 or 02-***-4567.');
  });

  it.each([
    ['a representative number', '대표번호 1588-1234'],
    ['a landline with dots', '02.123.4567'],
    ['an exchange starting with 0', '02-012-3456'],
    ['an exchange starting with 1 (service numbers)', '02-123-4567'],
    ['an unseparated landline', '0212345678'],
    ['010 with a three-digit exchange', '010-123-4567'],
    ['a toll-free number', '080-123-4567'],
    ['a Japanese mobile', '+81 90-1234-5678'],
    ['a country code without +', '82-10-1234-5678'],
    ['a number inside a longer hyphenated code', '7-010-1234-5678'],
    ['too many digits', '010123456789'],
  ])('does not report %s', (_label, text) => {
    expect(scanPrompt(text, PHONE_ONLY).findings).toEqual([]);
  });
});
