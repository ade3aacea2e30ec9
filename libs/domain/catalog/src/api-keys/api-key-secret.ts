import { createHash, randomBytes } from 'node:crypto';

/** `aic_` + 43 base64url characters (32 random bytes): the only shape an API key secret has. */
export const API_KEY_PATTERN = /^aic_[A-Za-z0-9_-]{43}$/;
export const API_KEY_PREFIX_LENGTH = 12;

/** A new secret from 32 bytes of the system CSPRNG. */
export function generateApiKeySecret(): string {
  return `aic_${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 of the secret's UTF-8 bytes: what `api_keys.secret_hash` stores and the gateway looks up. */
export function hashApiKey(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** The displayable, non-secret start of a key (`aic_` + 8 characters), to tell keys apart. */
export function apiKeyPrefix(secret: string): string {
  return secret.slice(0, API_KEY_PREFIX_LENGTH);
}
