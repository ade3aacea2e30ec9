import { scanPrompt, type PiiScanSettings } from '../src';
import { allDetectors } from './fixtures';

// The most permissive settings: every detector on, no check digit required for RRNs, any IIN.
const PERMISSIVE: PiiScanSettings = { ...allDetectors('mask'), rrn: { mode: 'mask', validateChecksum: false } };

const LOOK_ALIKES: Record<string, readonly string[]> = {
  dates: ['2024-01-15', '2024.01.15', '2024/01/15', '20240115', '2024년 1월 15일', '15/01/2024', '24.01.15', '1990-01-01 생'],
  timestamps: [
    '2024-01-15 10:30:45',
    '2024-01-15T10:30:45.123Z',
    '1705312245',
    '1705312245123',
    '1704067200000',
    '1709251199999',
    '20240115103045',
    '[2024-01-15 10:30:45,123] INFO request done in 123 ms',
  ],
  'order and reference ids': [
    'ORD-20240115-000123',
    '주문번호 20240115-000123',
    '#A12345678',
    'PO-2024-0001234',
    'INV/2024/00042',
    '운송장번호 6078-1234-5678',
    '접수번호 2024-0115-0001',
    'ticket 123456',
    'CASE-123-456-7890',
  ],
  amounts: ['1,234,567,890원', '₩1,234,567', '$12,345.67', '1 234 567 EUR', '12,345,678,901,234원', '1조 2,345억 원', '0.000123 BTC'],
  isbns: ['ISBN 978-89-6626-123-4', 'ISBN 9788966261234', 'ISBN-10 0-306-40615-2', 'EAN 8801234567892'],
  'network addresses': ['192.168.0.1', '10.0.0.254:8080', '2001:db8::1', 'https://example.com/item/12345?page=2'],
  versions: ['v1.2.3', 'node 20.20.2', 'TypeScript 5.9.3', '1.0.0-beta.12', 'build 2024.01.15.1234'],
  identifiers: [
    '123e4567-e89b-12d3-a456-426614174000',
    'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'commit 9a1f2c3d4e5f60718293a4b5c6d7e8f901234567',
    '사업자등록번호 123-45-67890',
    'Room 1203, Building 7',
  ],
  'ordinary English with numbers': [
    'We sold 1,234 units in Q3 2024, up 12.5% from 2023.',
    'The model has 7B parameters, a 128k context and scored 87.3 on the benchmark.',
    'Call extension 4521 between 9 and 5; the meeting is on 3/14 at 10:30.',
    'Coordinates 37.5665, 126.9780; elevation 38 m; population 9,411,000.',
  ],
  'ordinary Korean with numbers': [
    '2024년 3분기 매출은 1조 2,345억 원으로 전년 대비 12.3% 증가했습니다.',
    '고객센터 운영시간은 09:00~18:00이며 점심시간은 12:00~13:00입니다.',
    '대출 금리는 연 4.5%이며 만기는 36개월, 중도상환수수료는 1.2%입니다.',
    '제1234호 회의실에서 2024.01.15 14시에 3분기 실적 보고가 있습니다.',
    '계좌 개설은 만 19세 이상, 1인 1계좌, 한도 5,000만 원까지 가능합니다.',
    '카드 결제일은 매월 14일이며 연회비는 15,000원입니다.',
  ],
};

describe('look-alikes are not reported', () => {
  const cases = Object.entries(LOOK_ALIKES).flatMap(([group, texts]) => texts.map((text) => [group, text] as const));

  it.each(cases)('%s: %s', (_group, text) => {
    expect(scanPrompt(text, allDetectors('mask'))).toEqual({ findings: [], blocked: false });
    expect(scanPrompt(text, PERMISSIVE).findings).toEqual([]);
  });

  it('nor is a whole paragraph of them', () => {
    const paragraph = cases.map(([, text]) => text).join('\n');
    expect(scanPrompt(paragraph, PERMISSIVE).findings).toEqual([]);
  });
});
