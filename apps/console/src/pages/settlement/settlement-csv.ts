// The settlement as CSV (RFC 4180: CRLF, fields quoted when they hold a quote, comma or line break).
// A dozen lines, so no library; a UTF-8 byte order mark lets spreadsheet programs read the Hangul.

export interface SettlementForCsv {
  readonly poolName: string;
  readonly from: string;
  readonly to: string;
  readonly members: readonly {
    readonly institutionId: string;
    readonly weight: number;
    readonly useShare: number;
    readonly tokens: number;
    readonly byInvestmentKrw: number;
    readonly byUseKrw: number;
  }[];
}

export const SETTLEMENT_CSV_HEADER = [
  'pool',
  'from',
  'to',
  'institution_id',
  'institution',
  'investment_share',
  'use_share',
  'tokens',
  'by_investment_krw',
  'by_use_krw',
] as const;

function field(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function settlementCsv(settlement: SettlementForCsv, nameOf: (institutionId: string) => string): string {
  const rows = settlement.members.map((m) => [
    settlement.poolName,
    settlement.from,
    settlement.to,
    m.institutionId,
    nameOf(m.institutionId),
    m.weight.toFixed(6),
    m.useShare.toFixed(6),
    Math.round(m.tokens),
    Math.round(m.byInvestmentKrw),
    Math.round(m.byUseKrw),
  ]);
  return `\uFEFF${[SETTLEMENT_CSV_HEADER, ...rows].map((row) => row.map(field).join(',')).join('\r\n')}\r\n`;
}
