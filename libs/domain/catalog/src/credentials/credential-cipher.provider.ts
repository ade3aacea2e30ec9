import type { Provider } from '@nestjs/common';
import { APP_CONFIG, DEVELOPMENT_CREDENTIAL_KEK, type AppConfig } from '@ai-commons/config';
import type { CredentialCipher } from './credential-cipher';
import { CREDENTIAL_CIPHER } from './credential-cipher';
import { LocalKekCipher } from './local-kek-cipher';

/**
 * The cipher for upstream credentials from configuration: CREDENTIAL_KEK, or outside production
 * the publicly known development key (the config schema refuses production without a KEK).
 */
export function credentialCipherFromConfig(config: Pick<AppConfig, 'CREDENTIAL_KEK' | 'NODE_ENV'>): CredentialCipher {
  const kek = config.CREDENTIAL_KEK ?? (config.NODE_ENV === 'production' ? undefined : DEVELOPMENT_CREDENTIAL_KEK);
  if (kek === undefined) throw new Error('CREDENTIAL_KEK is required in production');
  return new LocalKekCipher(Buffer.from(kek, 'base64'));
}

/** Nest provider of CREDENTIAL_CIPHER (needs APP_CONFIG, i.e. ConfigModule). */
export const credentialCipherProvider: Provider = {
  provide: CREDENTIAL_CIPHER,
  useFactory: (config: AppConfig) => credentialCipherFromConfig(config),
  inject: [APP_CONFIG],
};
