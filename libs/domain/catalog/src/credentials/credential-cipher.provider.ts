import type { Provider } from '@nestjs/common';
import { APP_CONFIG, DEVELOPMENT_CREDENTIAL_KEK, type AppConfig } from '@ai-commons/config';
import type { CredentialCipher } from './credential-cipher';
import { CREDENTIAL_CIPHER } from './credential-cipher';
import { LocalKekCipher } from './local-kek-cipher';

/**
 * The cipher for upstream credentials from configuration: CREDENTIAL_KEK, or in the demo profile
 * only the publicly known demo key (the config refuses the production profile without a KEK).
 */
export function credentialCipherFromConfig(config: Pick<AppConfig, 'CREDENTIAL_KEK' | 'AI_COMMONS_PROFILE'>): CredentialCipher {
  const kek = config.CREDENTIAL_KEK ?? (config.AI_COMMONS_PROFILE === 'demo' ? DEVELOPMENT_CREDENTIAL_KEK : undefined);
  if (kek === undefined) throw new Error('CREDENTIAL_KEK is required in production (the demo key only with AI_COMMONS_PROFILE=demo)');
  return new LocalKekCipher(Buffer.from(kek, 'base64'));
}

/** Nest provider of CREDENTIAL_CIPHER (needs APP_CONFIG, i.e. ConfigModule). */
export const credentialCipherProvider: Provider = {
  provide: CREDENTIAL_CIPHER,
  useFactory: (config: AppConfig) => credentialCipherFromConfig(config),
  inject: [APP_CONFIG],
};
