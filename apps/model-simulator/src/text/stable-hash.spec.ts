import { StableHasher } from './stable-hash';

const digestOf = (build: (hasher: StableHasher) => void): string => {
  const hasher = new StableHasher();
  build(hasher);
  const { high, low } = hasher.digest();
  return `${high}:${low}`;
};

describe('StableHasher', () => {
  it('is stable across runs (the documented determinism depends on it)', () => {
    expect(new StableHasher().text('gpt-4o-mini').digest()).toEqual(new StableHasher().text('gpt-4o-mini').digest());
    expect(digestOf((hasher) => hasher.text('abc'))).toBe('1912698783:1770386985');
  });

  it('keeps field boundaries, tags and integers apart', () => {
    expect(digestOf((hasher) => hasher.text('ab').text('c'))).not.toBe(digestOf((hasher) => hasher.text('a').text('bc')));
    expect(digestOf((hasher) => hasher.tag(1).text('x'))).not.toBe(digestOf((hasher) => hasher.tag(2).text('x')));
    expect(digestOf((hasher) => hasher.integer(1))).not.toBe(digestOf((hasher) => hasher.integer(2 ** 32 + 1)));
  });

  it('produces unsigned 32-bit lanes', () => {
    const { high, low } = new StableHasher().text('안녕').digest();
    for (const lane of [high, low]) {
      expect(Number.isInteger(lane)).toBe(true);
      expect(lane).toBeGreaterThanOrEqual(0);
      expect(lane).toBeLessThan(2 ** 32);
    }
  });
});
