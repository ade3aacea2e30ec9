import { scanPrompt } from '../src';
import { allDetectors } from './fixtures';

const MASK_ALL = allDetectors('mask');

// Each disguise of issue 10 §5 on its own; the masks land on the characters as written.
describe('scanPrompt: disguised numbers', () => {
  it.each([
    ['a space instead of the hyphen', '주민 900101 1234568', '주민 900101 1******'],
    ['a dot instead of the hyphen', '주민 900101.1234568', '주민 900101.1******'],
    ['a slash instead of the hyphen', '주민 900101/1234568', '주민 900101/1******'],
    ['spaced digits', '9 0 0 1 0 1 - 1 2 3 4 5 6 8', '9 0 0 1 0 1 - 1 * * * * * *'],
    ['zero-width spaces', '900\u200b101-12\u200b34568', '900\u200b101-1*\u200b*****'],
    ['a soft hyphen instead of the hyphen', '900101\u00ad1234568', '900101\u00ad1******'],
    ['an en dash', '900101\u20131234568', '900101\u20131******'],
    ['a Unicode minus', '900101\u22121234568', '900101\u22121******'],
    ['a newline after the hyphen', '900101-\n1234568', '900101-\n1******'],
    ['full-width digits', '９００１０１－１２３４５６８', '９００１０１－１******'],
    ['Arabic-Indic digits', '٩٠٠١٠١-١٢٣٤٥٦٨', '٩٠٠١٠١-١******'],
    ['mathematical digits', '𝟗𝟎𝟎𝟏𝟎𝟏-𝟏𝟐𝟑𝟒𝟓𝟔𝟖', '𝟗𝟎𝟎𝟏𝟎𝟏-𝟏******'],
    ['letters glued on', 'abc900101-1234568xyz', 'abc900101-1******xyz'],
    ['a Korean dash-like letter', '900101ㅡ1234568', '900101ㅡ1******'],
  ])('finds an RRN written with %s', (_label, text, masked) => {
    expect(scanPrompt(text, MASK_ALL)).toEqual({ findings: [{ detector: 'rrn', count: 1 }], blocked: false, maskedText: masked });
  });

  it.each([
    ['en dashes', '4111\u20131111\u20131111\u20131111', '****\u2013****\u2013****\u20131111'],
    ['dots', '4111.1111.1111.1111', '****.****.****.1111'],
    ['mixed separators', '4111 1111-1111.1111', '**** ****-****.1111'],
    ['soft hyphens as separators', '4111\u00ad1111\u00ad1111\u00ad1111', '****\u00ad****\u00ad****\u00ad1111'],
    ['zero-width spaces inside', '41\u200b11 1111 1111 1111', '**\u200b** **** **** 1111'],
    ['full-width digits', '４１１１ １１１１ １１１１ １１１１', '**** **** **** １１１１'],
    ['spaced digits', '4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1', '* * * * * * * * * * * * 1 1 1 1'],
    ['letters glued on', 'card4111111111111111x', 'card************1111x'],
  ])('finds a card written with %s', (_label, text, masked) => {
    expect(scanPrompt(text, MASK_ALL)).toEqual({ findings: [{ detector: 'card', count: 1 }], blocked: false, maskedText: masked });
  });

  it.each([
    ['Unicode minus signs', '연락처 010\u22121234\u22125678', '연락처 010\u2212****\u22125678'],
    ['full-width digits', '연락처 ０１０-１２３４-５６７８', '연락처 ０１０-****-５６７８'],
    ['zero-width separators', '전화 02\u200b312\u200b4567', '전화 02\u200b***\u200b4567'],
  ])('finds a phone number written with %s', (_label, text, masked) => {
    expect(scanPrompt(text, MASK_ALL)).toEqual({ findings: [{ detector: 'phone', count: 1 }], blocked: false, maskedText: masked });
  });

  it('reads a text with invisible characters both ways, so a wrong match in one reading cannot hide the number from the other', () => {
    // Removed, the soft hyphen leaves "0 7 02 7 0 0-…", where 02-700-0000 looks like a Seoul number.
    const scan = scanPrompt('전화 0 7 0\u00ad2 7 0 0-0 0 0 0', MASK_ALL);
    expect(scan.maskedText?.replace(/\D/g, '')).toBe('0700000');
  });

  it('finds an account number written with spaces and dots', () => {
    expect(scanPrompt('입금 계좌 110 123.456789', MASK_ALL).maskedText).toBe('입금 계좌 *** ***.**6789');
  });

  it('still tells separate numbers apart across sentence punctuation', () => {
    expect(scanPrompt('010-1234-5678 / 010-2345-6789', MASK_ALL).maskedText).toBe('010-****-5678 / 010-****-6789');
    expect(scanPrompt('010-1234-5678. 900101-1234568', MASK_ALL).findings).toEqual([
      { detector: 'rrn', count: 1 },
      { detector: 'phone', count: 1 },
    ]);
  });

  it('reads JSON escapes left in a string (tool-call arguments are JSON text) as the characters they stand for', () => {
    expect(scanPrompt(JSON.stringify({ query: '900101-\n1234568' }), MASK_ALL).maskedText).toBe('{"query":"900101-\\n1******"}');
    expect(scanPrompt('{"q":"\\uff19\\uff10\\uff10\\uff11\\uff10\\uff11-\\uff11\\uff12\\uff13\\uff14\\uff15\\uff16\\uff18"}', MASK_ALL).maskedText).toBe(
      '{"q":"\\uff19\\uff10\\uff10\\uff11\\uff10\\uff11-\\uff11******"}',
    );
    expect(scanPrompt('{"q":"\\u0034111 1111 1111 111\\u0031"}', MASK_ALL).maskedText).toBe('{"q":"**** **** **** 111\\u0031"}');
    expect(scanPrompt('a\\b \\u12 \\', MASK_ALL)).toEqual({ findings: [], blocked: false });
  });

  it('blocks a disguised number in block mode', () => {
    expect(scanPrompt('９００１０１\u2212１２３４５６８', allDetectors('block'))).toEqual({ findings: [{ detector: 'rrn', count: 1 }], blocked: true });
  });
});
