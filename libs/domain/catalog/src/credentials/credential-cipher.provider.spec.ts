import { randomBytes } from 'node:crypto';
import { DEVELOPMENT_CREDENTIAL_KEK } from '@ai-commons/config';
import { credentialCipherFromConfig } from './credential-cipher.provider';
import { LocalKekCipher } from './local-kek-cipher';

describe('credentialCipherFromConfig', () => {
  it('uses CREDENTIAL_KEK when set', () => {
    const kek = randomBytes(32);
    const cipher = credentialCipherFromConfig({ AI_COMMONS_PROFILE: 'production', CREDENTIAL_KEK: kek.toString('base64') });
    expect((cipher as LocalKekCipher).keyId).toBe(new LocalKekCipher(kek).keyId);
  });

  it('falls back to the development key in the demo profile only', () => {
    const cipher = credentialCipherFromConfig({ AI_COMMONS_PROFILE: 'demo', CREDENTIAL_KEK: undefined });
    expect((cipher as LocalKekCipher).keyId).toBe(new LocalKekCipher(Buffer.from(DEVELOPMENT_CREDENTIAL_KEK, 'base64')).keyId);
    expect(() => credentialCipherFromConfig({ AI_COMMONS_PROFILE: 'production', CREDENTIAL_KEK: undefined })).toThrow(/required in production/);
  });
});
