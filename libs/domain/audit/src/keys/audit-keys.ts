import { createHmac, createSecretKey, hkdfSync, type Hmac, type KeyObject } from 'node:crypto';
import { importPrivateKey, keyIdOf, privateKeyFromSeed, publicKeyOf, publicKeyToPem, publicKeyToRaw } from '@ai-commons/audit-proofs';
import { DEVELOPMENT_AUDIT_CONTENT_HMAC_SECRET, DEVELOPMENT_AUDIT_SIGNING_SEED, type AppConfig } from '@ai-commons/config';
import { AuditError } from '../audit-errors';
import { describePublicKey, parseRetiredPublicKeys, type AuditPublicKey } from './audit-public-key';

const HKDF_SALT = Buffer.from('ai-commons/audit/content-hmac/v1', 'utf8');

/**
 * The audit log's keys: the Ed25519 key that signs tree heads, the public keys of the signing keys
 * it replaced (published so that the heads they signed stay verifiable), and the secret from which
 * each institution's HMAC key for prompt digests is derived (HKDF-SHA256, info = institution id),
 * so an institution's key can be handed to it without revealing anyone else's.
 */
export class AuditKeys {
  readonly publicKey: KeyObject;
  readonly keyId: string;
  readonly publicKeyPem: string;
  /** The current key first, then the retired ones in configuration order (a retired key equal to the current one is dropped). */
  readonly publicKeys: readonly AuditPublicKey[];
  // KeyObjects, not Buffers: createHmac re-imports a raw key on every call (~14 µs, a fifth of the
  // gateway's audit CPU per request in the profile, test/bench/gateway/profile.md); a KeyObject is used as is.
  private readonly contentKeys = new Map<string, KeyObject>();

  constructor(
    readonly signingKey: KeyObject,
    private readonly contentSecret: Buffer,
    retiredPublicKeys: readonly KeyObject[] = [],
  ) {
    this.publicKey = publicKeyOf(signingKey);
    this.keyId = keyIdOf(this.publicKey);
    this.publicKeyPem = publicKeyToPem(this.publicKey);
    const byKeyId = new Map<string, AuditPublicKey>([[this.keyId, describePublicKey(this.publicKey, true)]]);
    for (const retired of retiredPublicKeys) {
      const described = describePublicKey(retired, false);
      if (!byKeyId.has(described.keyId)) byKeyId.set(described.keyId, described);
    }
    this.publicKeys = [...byKeyId.values()];
  }

  /**
   * From AUDIT_SIGNING_KEY / AUDIT_RETIRED_PUBLIC_KEYS / AUDIT_CONTENT_HMAC_SECRET; the published
   * demo keys in the demo profile only.
   */
  static fromConfig(
    config: Pick<AppConfig, 'AI_COMMONS_PROFILE' | 'AUDIT_SIGNING_KEY' | 'AUDIT_CONTENT_HMAC_SECRET'> & Partial<Pick<AppConfig, 'AUDIT_RETIRED_PUBLIC_KEYS'>>,
  ): AuditKeys {
    if (config.AI_COMMONS_PROFILE !== 'demo') {
      for (const name of ['AUDIT_SIGNING_KEY', 'AUDIT_CONTENT_HMAC_SECRET'] as const) {
        if (!config[name]) throw new AuditError('AUDIT_KEY_MISSING', `${name} is required in production (the demo key only with AI_COMMONS_PROFILE=demo)`);
      }
    }
    const signing = config.AUDIT_SIGNING_KEY ?? DEVELOPMENT_AUDIT_SIGNING_SEED;
    const secret = Buffer.from(config.AUDIT_CONTENT_HMAC_SECRET ?? DEVELOPMENT_AUDIT_CONTENT_HMAC_SECRET, 'base64');
    return new AuditKeys(parseSigningKey(signing), secret, parseRetiredPublicKeys(config.AUDIT_RETIRED_PUBLIC_KEYS));
  }

  /** The retired keys: they verify heads signed before a rotation and never sign. */
  get retiredPublicKeys(): readonly AuditPublicKey[] {
    return this.publicKeys.filter((key) => !key.current);
  }

  /** The current or a retired public key by its key id, or undefined for a key the platform does not know. */
  publicKeyById(keyId: string): AuditPublicKey | undefined {
    return this.publicKeys.find((key) => key.keyId === keyId);
  }

  /** The raw 32-byte public key in base64 (the verifier's --public-key accepts it as well as the PEM). */
  get publicKeyBase64(): string {
    return publicKeyToRaw(this.publicKey).toString('base64');
  }

  /** The institution's 32-byte content key. */
  contentKey(institutionId: string): Buffer {
    return this.contentKeyObject(institutionId).export();
  }

  /** An HMAC-SHA256 under the institution's content key, to feed content that arrives in pieces. */
  contentHmacStream(institutionId: string): Hmac {
    return createHmac('sha256', this.contentKeyObject(institutionId));
  }

  /** Lowercase hex HMAC-SHA256 of `content` under the institution's content key. */
  contentHmac(institutionId: string, content: string | Uint8Array): string {
    return createHmac('sha256', this.contentKeyObject(institutionId)).update(content).digest('hex');
  }

  private contentKeyObject(institutionId: string): KeyObject {
    let key = this.contentKeys.get(institutionId);
    if (!key) {
      key = createSecretKey(Buffer.from(hkdfSync('sha256', this.contentSecret, HKDF_SALT, Buffer.from(institutionId, 'utf8'), 32)));
      this.contentKeys.set(institutionId, key);
    }
    return key;
  }
}

/** PKCS#8 PEM, or the 32-byte RFC 8032 seed in base64. */
export function parseSigningKey(text: string): KeyObject {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('-----BEGIN')) return importPrivateKey(trimmed);
    const seed = Buffer.from(trimmed, 'base64');
    if (seed.length !== 32) throw new Error('the seed must be 32 bytes, base64-encoded');
    return privateKeyFromSeed(seed);
  } catch (error) {
    throw new AuditError('AUDIT_KEY_INVALID', `AUDIT_SIGNING_KEY is not an Ed25519 key: ${(error as Error).message}`);
  }
}
