import fc from 'fast-check';
import { nextStatus } from './status-transitions';
import { validCapital, validSlug, validContacts } from './institution-validation';
import { TenancyError } from './tenancy-errors';

describe('status transitions', () => {
  it.each([
    ['active', 'suspend', 'suspended'],
    ['suspended', 'reactivate', 'active'],
    ['active', 'offboard', 'offboarded'],
    ['suspended', 'offboard', 'offboarded'],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  it.each([
    ['active', 'reactivate'],
    ['suspended', 'suspend'],
    ['offboarded', 'reactivate'],
    ['offboarded', 'suspend'],
    ['offboarded', 'offboard'],
  ] as const)('refuses %s --%s-->', (from, action) => {
    expect(() => nextStatus(from, action)).toThrow(expect.objectContaining({ code: 'ILLEGAL_STATUS_TRANSITION' }) as TenancyError);
  });
});

describe('validation', () => {
  it('normalises capital and refuses zero, negatives, fractions and junk', () => {
    expect(validCapital(' 0050000000000 ')).toBe('50000000000');
    for (const bad of ['0', '-5', '1.5', '1e9', 'abc', '', '1'.repeat(25)]) {
      expect(() => validCapital(bad)).toThrow(expect.objectContaining({ code: 'INVALID_CAPITAL' }) as TenancyError);
    }
  });

  it('accepts any positive integer capital up to 24 digits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 24n - 1n }), (capital) => {
        expect(validCapital(capital.toString())).toBe(capital.toString());
      }),
      { numRuns: 200 },
    );
  });

  it('checks slugs', () => {
    expect(validSlug('hanbit-bank')).toBe('hanbit-bank');
    for (const bad of ['Hanbit', '1bank', 'a', 'bank_1', 'bank!']) {
      expect(() => validSlug(bad)).toThrow(expect.objectContaining({ code: 'INVALID_SLUG' }) as TenancyError);
    }
  });

  it('checks contacts', () => {
    expect(validContacts([{ name: ' Kim ', email: 'kim@bank.kr', phone: '+82 2-123-4567' }])).toEqual([
      { name: 'Kim', email: 'kim@bank.kr', phone: '+82 2-123-4567', role: null },
    ]);
    expect(() => validContacts([{ name: 'Kim', email: 'not-an-email' }])).toThrow(expect.objectContaining({ code: 'INVALID_CONTACT' }) as TenancyError);
  });
});
