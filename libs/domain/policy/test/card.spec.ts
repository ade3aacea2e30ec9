import { hasKnownIin, passesLuhn, scanPrompt } from '../src';
import { only } from './fixtures';

const CARD_ONLY = only('card');
const KNOWN_IIN_ONLY = only('card', { card: { mode: 'mask', requireKnownIin: true } });

describe('passesLuhn', () => {
  it.each(['4111111111111111', '5555555555554444', '378282246310005', '30569309025904', '6011111111111117', '4222222222222'])('accepts %s', (digits) =>
    expect(passesLuhn(digits)).toBe(true),
  );
  it.each(['4111111111111112', '5555555555554443', '1234567890123456'])('rejects %s', (digits) => expect(passesLuhn(digits)).toBe(false));
});

describe('hasKnownIin', () => {
  it.each([
    ['4111111111111111', 'Visa'],
    ['5555555555554444', 'Mastercard 51–55'],
    ['2221000000000009', 'Mastercard 2-series'],
    ['378282246310005', 'Amex'],
    ['30569309025904', 'Diners 300–305'],
    ['6011111111111117', 'Discover'],
    ['3530111333300000', 'JCB'],
    ['6212345678901234569', 'UnionPay'],
    ['9409123456789013', 'Korean domestic-only'],
  ])('knows %s (%s)', (digits) => expect(hasKnownIin(digits)).toBe(true));

  it.each([
    ['1234567890123452', 'no brand starts with 1'],
    ['2024011512345674', '2024 is below the Mastercard 2-series'],
    ['9788966261234', 'a 13-digit number starting with 9 is an ISBN/EAN, not a domestic card'],
    ['7000000000000003', 'no brand starts with 7'],
  ])('does not know %s (%s)', (digits) => expect(hasKnownIin(digits)).toBe(false));
});

describe('scanPrompt: card numbers', () => {
  it.each([
    ['4111 1111 1111 1111', '**** **** **** 1111'],
    ['4111-1111-1111-1111', '****-****-****-1111'],
    ['4111111111111111', '************1111'],
    ['3782 822463 10005', '**** ****** *0005'],
    ['3056-930902-5904', '****-******-5904'],
    ['6212 3456 7890 1234 569', '**** **** **** ***4 569'],
    ['4222222222222', '*********2222'],
    ['9409123456789013', '************9013'],
  ])('masks %s as %s', (number, masked) => {
    expect(scanPrompt(`결제 카드: ${number}.`, CARD_ONLY)).toEqual({
      findings: [{ detector: 'card', count: 1 }],
      blocked: false,
      maskedText: `결제 카드: ${masked}.`,
    });
  });

  it('ignores a number failing the Luhn check', () => {
    expect(scanPrompt('card 4111 1111 1111 1112', CARD_ONLY).findings).toEqual([]);
  });

  it('reports grouped numbers of unknown brands unless known IINs are required', () => {
    expect(scanPrompt('no. 1234 5678 9012 3452', CARD_ONLY).findings).toEqual([{ detector: 'card', count: 1 }]);
    expect(scanPrompt('no. 1234 5678 9012 3452', KNOWN_IIN_ONLY).findings).toEqual([]);
    expect(scanPrompt('no. 4111 1111 1111 1111', KNOWN_IIN_ONLY).findings).toEqual([{ detector: 'card', count: 1 }]);
  });

  it('needs a known IIN or a card keyword for an unseparated number', () => {
    expect(scanPrompt('거래번호 1234567890123452 처리완료', CARD_ONLY).findings).toEqual([]);
    expect(scanPrompt('카드번호 1234567890123452 처리완료', CARD_ONLY).maskedText).toBe('카드번호 ************3452 처리완료');
    expect(scanPrompt('txn 1234567890123452 (Visa card)', CARD_ONLY).findings).toEqual([{ detector: 'card', count: 1 }]);
  });

  it('finds a card written with mixed separators or glued to an identifier', () => {
    expect(scanPrompt('4111 1111-1111 1111', CARD_ONLY).maskedText).toBe('**** ****-**** 1111');
    expect(scanPrompt('tx_4111111111111111', CARD_ONLY).maskedText).toBe('tx_************1111');
  });

  it('finds a card followed by an expiry year in a space-separated run', () => {
    expect(scanPrompt('4111 1111 1111 1111 2027 만료', CARD_ONLY).maskedText).toBe('**** **** **** 1111 2027 만료');
  });

  it.each([
    ['a fifth four-digit group after hyphens', '4111-1111-1111-1111-2027'],
    ['an unseparated run of 20 digits', '41111111111111111113'],
  ])('does not report %s', (_label, text) => {
    expect(scanPrompt(text, CARD_ONLY).findings).toEqual([]);
  });
});
