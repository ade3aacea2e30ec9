import { scanPrompt, type PiiScanSettings } from '../src';
import { allDetectors } from './fixtures';

const PROMPT = '고객 홍길동(900101-1234568), 카드 4111 1111 1111 1111, 연락처 010-1234-5678, 신한은행 110-123-456789로 환불';

describe('scanPrompt modes', () => {
  it('masks every detector in mask mode, keeping the format hints', () => {
    expect(scanPrompt(PROMPT, allDetectors('mask'))).toEqual({
      findings: [
        { detector: 'rrn', count: 1 },
        { detector: 'card', count: 1 },
        { detector: 'bankAccount', count: 1 },
        { detector: 'phone', count: 1 },
      ],
      blocked: false,
      maskedText: '고객 홍길동(900101-1******), 카드 **** **** **** 1111, 연락처 010-****-5678, 신한은행 ***-***-**6789로 환불',
    });
  });

  it('blocks without returning text when any detector in block mode matches', () => {
    const settings: PiiScanSettings = { ...allDetectors('mask'), card: { mode: 'block', requireKnownIin: false } };
    const scan = scanPrompt(PROMPT, settings);
    expect(scan.blocked).toBe(true);
    expect(scan.maskedText).toBeUndefined();
    expect(scan.findings).toHaveLength(4);
  });

  it('does not block when the blocking detector finds nothing', () => {
    const settings: PiiScanSettings = { ...allDetectors('mask'), card: { mode: 'block', requireKnownIin: false } };
    expect(scanPrompt('연락처 010-1234-5678', settings)).toEqual({
      findings: [{ detector: 'phone', count: 1 }],
      blocked: false,
      maskedText: '연락처 010-****-5678',
    });
  });

  it('neither reports nor masks detectors that are off', () => {
    const settings: PiiScanSettings = { ...allDetectors('mask'), phone: { mode: 'off' }, bankAccount: { mode: 'off' } };
    const scan = scanPrompt(PROMPT, settings);
    expect(scan.findings.map((finding) => finding.detector)).toEqual(['rrn', 'card']);
    expect(scan.maskedText).toContain('010-1234-5678');
    expect(scan.maskedText).toContain('110-123-456789');
  });

  it('returns no text when nothing was found', () => {
    expect(scanPrompt('안녕하세요, 대출 상품을 추천해 주세요.', allDetectors('mask'))).toEqual({ findings: [], blocked: false });
    expect(scanPrompt('', allDetectors('block'))).toEqual({ findings: [], blocked: false });
  });

  it('lets a card claim a Luhn-valid 13-digit number that is not a registration number, and RRN win otherwise', () => {
    expect(scanPrompt('4222222222222', allDetectors('mask')).findings).toEqual([{ detector: 'card', count: 1 }]);
    expect(scanPrompt('9001011234568', allDetectors('mask')).findings).toEqual([{ detector: 'rrn', count: 1 }]);
  });

  it('gives a number both an RRN and a card to RRN, and to card when RRN is off', () => {
    // 450101-1000059 is a valid RRN (born 1945-01-01) and a Luhn-valid Visa number.
    expect(scanPrompt('4501011000059', allDetectors('mask')).findings).toEqual([{ detector: 'rrn', count: 1 }]);
    const rrnOff: PiiScanSettings = { ...allDetectors('mask'), rrn: { mode: 'off', validateChecksum: true } };
    expect(scanPrompt('4501011000059', rrnOff)).toEqual({ findings: [{ detector: 'card', count: 1 }], blocked: false, maskedText: '*********0059' });
  });
});

describe('scanPrompt on long chains', () => {
  it('finds a number at the end of a space-separated run of hundreds of groups', () => {
    const longRun = Array.from({ length: 300 }, (_, index) => String(index % 10)).join(' ');
    const scan = scanPrompt(`${longRun} 4111 1111 1111 1111`, allDetectors('mask'));
    expect(scan.findings).toEqual([{ detector: 'card', count: 1 }]);
    expect(scan.maskedText?.endsWith(' **** **** **** 1111')).toBe(true);
  });

  it('gives the same answer for a prompt whether or not a long chain was scanned before it', () => {
    const before = scanPrompt(PROMPT, allDetectors('mask'));
    scanPrompt(Array.from({ length: 2000 }, () => '1').join('-'), allDetectors('mask'));
    expect(scanPrompt(PROMPT, allDetectors('mask'))).toEqual(before);
  });
});
