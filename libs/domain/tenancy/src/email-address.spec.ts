import fc from 'fast-check';
import { validContacts } from './institution-validation';

const accepts = (email: string) => {
  try {
    validContacts([{ name: 'Kim', email }]);
    return true;
  } catch {
    return false;
  }
};

describe('contact e-mail addresses', () => {
  it.each(['kim@bank.kr', 'ai-infra@hanbit-bank.example', 'a.b+c@x.y.z', `${'a'.repeat(64)}@${'b'.repeat(185)}.kr`])('accepts %s', (email) => {
    expect(accepts(email)).toBe(true);
  });

  it.each([
    'not-an-email',
    '@bank.kr',
    'kim@bank',
    'kim@.kr',
    'kim@bank.',
    'kim @bank.kr',
    'kim@@bank.kr',
    'a@b@c.kr',
    `${'a'.repeat(65)}@bank.kr`,
    `kim@${'b'.repeat(248)}.kr`,
  ])('refuses %s', (email) => {
    expect(accepts(email)).toBe(false);
  });

  it('is linear: 250,000-character addresses are refused at once', () => {
    // The former regular expression took over a minute on each of these.
    for (const email of [`${'a'.repeat(250_000)}@x`, 'a@'.repeat(125_000), `a@${'.'.repeat(250_000)}`, `${'a@a'.repeat(80_000)}`]) {
      const started = performance.now();
      expect(accepts(email)).toBe(false);
      expect(performance.now() - started).toBeLessThan(50);
    }
  });

  it('agrees with the local@domain.tld shape for any short address', () => {
    const shape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '.', '@', ' ', 'b'), maxLength: 30 }), (email) => {
        expect(accepts(email)).toBe(shape.test(email) && email.indexOf('@') <= 64);
      }),
      { numRuns: 2_000 },
    );
  });
});
