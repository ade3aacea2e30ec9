import { createPrivateKey } from 'node:crypto';

/**
 * `demo`: the publicly known secrets below fill in what is not configured (npm start, the tests).
 * `production` (the default): every secret is required and none of the demo values is accepted.
 */
export const PROFILES = ['demo', 'production'] as const;
export type Profile = (typeof PROFILES)[number];

/** Demo key-encryption key for upstream credentials: in this repository, so refused in production. */
export const DEVELOPMENT_CREDENTIAL_KEK = Buffer.alloc(32, 'ai-commons-development-kek').toString('base64');
/** Demo audit signing key seed and prompt-digest secret: in this repository, so refused in production. */
export const DEVELOPMENT_AUDIT_SIGNING_SEED = Buffer.alloc(32, 'ai-commons-development-audit-signing').toString('base64');
export const DEVELOPMENT_AUDIT_CONTENT_HMAC_SECRET = Buffer.alloc(32, 'ai-commons-development-audit-hmac').toString('base64');

/** The client secret the demo realm gives service account `svc-<slug>`. */
export function demoServiceAccountSecret(slug: string): string {
  return `${slug}-demo-secret`;
}

/** Service-account secrets come from `SVC_SECRET_<SLUG IN UPPER SNAKE CASE>`. */
export const SERVICE_ACCOUNT_SECRET_PREFIX = 'SVC_SECRET_';
export function serviceAccountSecretVariable(slug: string): string {
  return `${SERVICE_ACCOUNT_SECRET_PREFIX}${slug.toUpperCase().replace(/-/g, '_')}`;
}

/** Every `SVC_SECRET_*` variable of `env`, keyed by the institution slug it names. */
export function serviceAccountSecretsFromEnv(env: Record<string, string | undefined>): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(SERVICE_ACCOUNT_SECRET_PREFIX) || value === undefined || value === '') continue;
    secrets[name.slice(SERVICE_ACCOUNT_SECRET_PREFIX.length).toLowerCase().replace(/_/g, '-')] = value;
  }
  return secrets;
}

/** A value shaped like a demo realm secret or password (`<anything>-demo-secret`, `demo-password`). */
export function isDemoServiceAccountSecret(value: string): boolean {
  const normalised = value.trim().toLowerCase();
  return normalised.endsWith('-demo-secret') || normalised === 'demo-password';
}

// Compared as bytes, so another base64 spelling (no padding, URL-safe, line breaks) of a demo key is still recognised.
const sameBytes = (value: string, demo: string): boolean => Buffer.from(value, 'base64').equals(Buffer.from(demo, 'base64'));

/** The 32-byte seed of an Ed25519 private key given as PKCS#8 PEM or base64 seed; undefined when it is neither. */
function ed25519Seed(value: string): Buffer | undefined {
  try {
    if (value.includes('-----BEGIN')) {
      const key = createPrivateKey({ key: value, format: 'pem' });
      return key.asymmetricKeyType === 'ed25519' ? key.export({ format: 'der', type: 'pkcs8' }).subarray(-32) : undefined;
    }
    return Buffer.from(value, 'base64');
  } catch {
    return undefined;
  }
}

export interface SecretSettings {
  CREDENTIAL_KEK?: string;
  AUDIT_SIGNING_KEY?: string;
  AUDIT_CONTENT_HMAC_SECRET?: string;
  SERVICE_ACCOUNT_SECRETS: Record<string, string>;
}

/**
 * What stops a production boot: each secret that is missing or is a value published in this
 * repository for the demo. Names the variable, never echoes the value.
 */
export function productionSecretProblems(settings: SecretSettings): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const missing = (path: string) => problems.push({ path, message: 'is required in the production profile (AI_COMMONS_PROFILE=demo only for the demo)' });
  const demo = (path: string) => problems.push({ path, message: 'is the publicly known demo value; production needs its own secret' });

  if (settings.CREDENTIAL_KEK === undefined) missing('CREDENTIAL_KEK');
  else if (sameBytes(settings.CREDENTIAL_KEK, DEVELOPMENT_CREDENTIAL_KEK)) demo('CREDENTIAL_KEK');

  if (settings.AUDIT_SIGNING_KEY === undefined) missing('AUDIT_SIGNING_KEY');
  else if (ed25519Seed(settings.AUDIT_SIGNING_KEY)?.equals(Buffer.from(DEVELOPMENT_AUDIT_SIGNING_SEED, 'base64'))) demo('AUDIT_SIGNING_KEY');

  if (settings.AUDIT_CONTENT_HMAC_SECRET === undefined) missing('AUDIT_CONTENT_HMAC_SECRET');
  else if (sameBytes(settings.AUDIT_CONTENT_HMAC_SECRET, DEVELOPMENT_AUDIT_CONTENT_HMAC_SECRET)) demo('AUDIT_CONTENT_HMAC_SECRET');

  for (const [slug, secret] of Object.entries(settings.SERVICE_ACCOUNT_SECRETS)) {
    if (isDemoServiceAccountSecret(secret)) demo(serviceAccountSecretVariable(slug));
  }
  return problems;
}

/** The client secret of service account `svc-<slug>`: configured, else (demo profile only) the demo realm's; undefined in production when not configured. */
export function serviceAccountSecret(
  config: { AI_COMMONS_PROFILE: Profile; SERVICE_ACCOUNT_SECRETS: Record<string, string> },
  slug: string,
): string | undefined {
  return config.SERVICE_ACCOUNT_SECRETS[slug] ?? (config.AI_COMMONS_PROFILE === 'demo' ? demoServiceAccountSecret(slug) : undefined);
}
