import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { LocalKekCipher, endpointCredentialContext } from './local-kek-cipher';

describe('LocalKekCipher', () => {
  const cipher = new LocalKekCipher(randomBytes(32));
  const context = endpointCredentialContext('t1', 'e1');

  it('round-trips any secret and never stores it in clear', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (secret) => {
        const encrypted = cipher.encrypt(secret, context);
        expect(cipher.decrypt(encrypted, context)).toBe(secret);
        if (secret.length >= 4) expect(encrypted.ciphertext.includes(Buffer.from(secret, 'utf8'))).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses another context, another key and any altered byte', () => {
    const encrypted = cipher.encrypt('sk-upstream-secret', context);
    expect(() => cipher.decrypt(encrypted, endpointCredentialContext('t2', 'e1'))).toThrow(/could not be decrypted/);
    expect(() => new LocalKekCipher(randomBytes(32)).decrypt(encrypted, context)).toThrow(/encrypted under key/);
    for (let i = 2; i < encrypted.ciphertext.length; i += 7) {
      const altered = Buffer.from(encrypted.ciphertext);
      altered[i] ^= 0x01;
      expect(() => cipher.decrypt({ ...encrypted, ciphertext: altered }, context)).toThrow();
    }
  });

  it('fingerprints equal secrets equally, and different ones differently', () => {
    expect(cipher.fingerprint('a-secret')).toBe(cipher.fingerprint('a-secret'));
    expect(cipher.fingerprint('a-secret')).not.toBe(cipher.fingerprint('b-secret'));
    expect(cipher.fingerprint('a-secret')).not.toContain('a-secret');
  });
});
