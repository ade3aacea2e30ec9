import { scanPrompt } from '../src';
import { only } from './fixtures';

const ACCOUNT_ONLY = only('bankAccount');

describe('scanPrompt: Korean bank account numbers', () => {
  it.each([
    ['SC제일은행 123-45-678901', 'SC제일은행 ***-**-**8901'],
    ['신한은행 110-123-456789', '신한은행 ***-***-**6789'],
    ['하나은행 계좌 123-456789-12345', '하나은행 계좌 ***-******-*2345'],
    ['우리은행 1002-123-456789', '우리은행 ****-***-**6789'],
    ['KB국민은행 123456-78-901234', 'KB국민은행 ******-**-**1234'],
    ['카카오뱅크 3333-01-1234567', '카카오뱅크 ****-**-***4567'],
    ['토스뱅크 1000-1234-5678', '토스뱅크 ****-****-5678'],
    ['농협 301-1234-5678-91', '농협 ***-****-**78-91'],
    ['IBK기업은행 123-456789-01-012', 'IBK기업은행 ***-******-*1-012'],
    ['국민은행(구) 123-45-6789-012', '국민은행(구) ***-**-***9-012'],
    ['account no. 110-123-456789', 'account no. ***-***-**6789'],
    ['110-123-456789 (신한, 예금주 홍길동)', '***-***-**6789 (신한, 예금주 홍길동)'],
    ['입금 계좌는110-123-456789입니다', '입금 계좌는***-***-**6789입니다'],
    ['신한은행 110 123 456789', '신한은행 *** *** **6789'],
  ])('masks %s', (text, masked) => {
    expect(scanPrompt(text, ACCOUNT_ONLY)).toEqual({ findings: [{ detector: 'bankAccount', count: 1 }], blocked: false, maskedText: masked });
  });

  it.each([
    ['no account keyword nearby', '문서번호 110-123-456789 참조'],
    ['the keyword too far away', '계좌 관련 문의는 아래 담당자에게 해 주십시오. 문서번호 110-123-456789'],
    ['a business registration number (3-2-5)', '은행 사업자등록번호 123-45-67890'],
    ['an unseparated account number', '계좌번호 110123456789'],
    ['an account shape inside a longer code', '은행 ref 110-123-456789-77'],
  ])('does not report %s', (_label, text) => {
    expect(scanPrompt(text, ACCOUNT_ONLY).findings).toEqual([]);
  });
});
