import fc from 'fast-check';
import { authorityStanding } from '../src/pages/catalog/authority-standing';
import { lifecycleActions } from '../src/pages/consortium/lifecycle';
import { jsonDiff } from '../src/pages/data-policies/json-diff';
import { modesOf, withModes } from '../src/pages/data-settings/pii-modes';
import { currentKstMonth, kstMonthBounds } from '../src/pages/settlement/month';
import { SETTLEMENT_CSV_HEADER, settlementCsv } from '../src/pages/settlement/settlement-csv';
import { oneOf, urlWith } from '../src/navigation/url-params';

describe('settlement months (KST)', () => {
  it('bounds a month at KST midnight and knows which month it is in Seoul', () => {
    expect(kstMonthBounds('2026-12')).toEqual({ from: '2026-11-30T15:00:00.000Z', to: '2026-12-31T15:00:00.000Z' });
    expect(kstMonthBounds('2026-01')?.from).toBe('2025-12-31T15:00:00.000Z');
    for (const bad of ['2026-13', '2026-1', '', '2026-12-01', 'x']) expect(kstMonthBounds(bad)).toBeNull();
    expect(currentKstMonth(new Date('2026-11-30T15:00:00Z'))).toBe('2026-12');
    expect(currentKstMonth(new Date('2026-11-30T14:59:59Z'))).toBe('2026-11');
  });

  it('every instant lies inside the bounds of its own KST month', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (instant) => {
        const bounds = kstMonthBounds(currentKstMonth(instant))!;
        return new Date(bounds.from) <= instant && instant < new Date(bounds.to);
      }),
    );
  });
});

describe('the settlement CSV', () => {
  const settlement = {
    poolName: 'shared, "gpu"',
    from: '2026-11-30T15:00:00.000Z',
    to: '2026-12-31T15:00:00.000Z',
    members: [{ institutionId: 'i-1', weight: 0.5, useShare: 0.25, tokens: 1234.4, byInvestmentKrw: 500000.6, byUseKrw: 250000 }],
  };

  it('has a header, one row per member, RFC 4180 quoting and a BOM for spreadsheets', () => {
    const csv = settlementCsv(settlement, () => '한빛은행 (Hanbit Bank)');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe(SETTLEMENT_CSV_HEADER.join(','));
    expect(lines[1]).toBe(
      '"shared, ""gpu""",2026-11-30T15:00:00.000Z,2026-12-31T15:00:00.000Z,i-1,한빛은행 (Hanbit Bank),0.500000,0.250000,1234,500001,250000',
    );
    expect(lines[2]).toBe('');
  });
});

describe('the policy diff', () => {
  it('names each changed, added and removed leaf by its JSON pointer', () => {
    const before = { version: 1, rules: [{ id: 'a', effect: 'deny' }], pii: { rrn: 'mask' }, 'a/b': 1 };
    const after = {
      version: 2,
      rules: [
        { id: 'a', effect: 'allow' },
        { id: 'b', effect: 'deny' },
      ],
      'a/b': 1,
    };
    expect(jsonDiff(before, after)).toEqual([
      { kind: 'changed', path: '/version', before: 1, after: 2 },
      { kind: 'changed', path: '/rules/0/effect', before: 'deny', after: 'allow' },
      { kind: 'removed', path: '/pii/rrn', before: 'mask' },
      { kind: 'added', path: '/rules/1/id', after: 'b' },
      { kind: 'added', path: '/rules/1/effect', after: 'deny' },
    ]);
  });

  it('finds nothing between a document and itself, and something between any two different ones', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => jsonDiff(value, structuredClone(value)).length === 0));
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => JSON.stringify(a) === JSON.stringify(b) || jsonDiff({ x: a }, { x: b }).length > 0));
  });
});

describe('authority confirmations', () => {
  const now = new Date('2026-12-03T00:00:00Z');
  it('are valid, expiring within 30 days, expired, or absent', () => {
    expect(authorityStanding(null, now)).toEqual({ standing: 'none', daysLeft: null });
    expect(authorityStanding('2027-06-01T00:00:00Z', now).standing).toBe('valid');
    expect(authorityStanding('2026-12-20T00:00:00Z', now)).toEqual({ standing: 'expiring', daysLeft: 17 });
    expect(authorityStanding('2026-12-02T00:00:00Z', now).standing).toBe('expired');
  });
});

describe('institution lifecycle actions', () => {
  it('follow the status', () => {
    expect(lifecycleActions('active')).toEqual(['suspend', 'offboard']);
    expect(lifecycleActions('suspended')).toEqual(['reactivate', 'offboard']);
    expect(lifecycleActions('offboarded')).toEqual([]);
  });
});

describe('PII modes', () => {
  it('edits modes and keeps every other option', () => {
    const settings = { rrn: { mode: 'mask', validateChecksum: true }, card: { mode: 'block' } };
    expect(modesOf(settings)).toEqual({ rrn: 'mask', card: 'block', bankAccount: undefined, phone: undefined });
    expect(withModes(settings, { rrn: undefined, card: undefined, phone: 'off' })).toEqual({ rrn: { validateChecksum: true }, phone: { mode: 'off' } });
    expect(withModes(settings, {})).toEqual(settings);
  });
});

describe('URL state', () => {
  it('sets and removes parameters, keeping the rest', () => {
    const search = new URLSearchParams('status=active&after=abc');
    expect(urlWith('/institutions', search, { status: 'suspended', after: null })).toBe('/institutions?status=suspended');
    expect(urlWith('/institutions', search, { status: '', after: undefined })).toBe('/institutions');
    expect(oneOf(new URLSearchParams('health=healthy'), 'health', ['healthy', 'unhealthy'] as const)).toBe('healthy');
    expect(oneOf(new URLSearchParams('health=bogus'), 'health', ['healthy', 'unhealthy'] as const)).toBeUndefined();
  });
});
