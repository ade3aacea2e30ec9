import { randomBytes } from 'node:crypto';
import { DEVELOPMENT_CREDENTIAL_KEK } from '@ai-commons/config';
import { credentialCipherFromConfig } from './credential-cipher.provider';
import { LocalKekCipher } from './local-kek-cipher';

describe('credentialCipherFromConfig', () => {
  it('uses CREDENTIAL_KEK when set', () => {
    const kek = randomBytes(32);
    const cipher = credentialCipherFromConfig({ NODE_ENV: 'production', CREDENTIAL_KEK: kek.toString('base64') });
    expect((cipher as LocalKekCipher).keyId).toBe(new LocalKekCipher(kek).keyId);
  });

  it('falls back to the development key outside production only', () => {
    const cipher = credentialCipherFromConfig({ NODE_ENV: 'test', CREDENTIAL_KEK: undefined });
    expect((cipher as LocalKekCipher).keyId).toBe(new LocalKekCipher(Buffer.from(DEVELOPMENT_CREDENTIAL_KEK, 'base64')).keyId);
    expect(() => credentialCipherFromConfig({ NODE_ENV: 'production', CREDENTIAL_KEK: undefined })).toThrow(/required in production/);
  });
});
