import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { API_KEY_PATTERN, apiKeyPrefix, generateApiKeySecret, hashApiKey } from './api-key-secret';

describe('API key secrets', () => {
  it('are aic_ + 43 base64url characters of 32 random bytes', () => {
    const secret = generateApiKeySecret();
    expect(secret).toMatch(API_KEY_PATTERN);
    expect(secret).toHaveLength(47);
    expect(Buffer.from(secret.slice(4), 'base64url')).toHaveLength(32);
  });

  it('do not repeat (1000 draws) and keep a 12-character prefix', () => {
    const secrets = Array.from({ length: 1000 }, generateApiKeySecret);
    expect(new Set(secrets).size).toBe(1000);
    expect(apiKeyPrefix(secrets[0])).toBe(secrets[0].slice(0, 12));
    expect(apiKeyPrefix(secrets[0])).toMatch(/^aic_[A-Za-z0-9_-]{8}$/);
  });

  it('hash to SHA-256 of their UTF-8 bytes (known answer)', () => {
    expect(hashApiKey('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    fc.assert(
      fc.property(fc.string(), (secret) => {
        expect(hashApiKey(secret).equals(createHash('sha256').update(Buffer.from(secret, 'utf8')).digest())).toBe(true);
      }),
    );
  });

  it('the pattern refuses near misses', () => {
    const secret = generateApiKeySecret();
    for (const bad of [secret.slice(0, -1), `${secret}A`, secret.replace('aic_', 'AIC_'), `aic_${'+'.repeat(43)}`, ` ${secret}`]) {
      expect(API_KEY_PATTERN.test(bad)).toBe(false);
    }
  });
});
