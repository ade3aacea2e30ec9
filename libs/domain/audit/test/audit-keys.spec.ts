import { createHmac, hkdfSync } from 'node:crypto';
import {
  generateSigningKeyPair,
  privateKeyToPem,
  signTreeHead,
  createTreeHead,
  verifyTreeHead,
  importPublicKey,
  keyIdOf,
  publicKeyToPem,
  publicKeyToRaw,
} from '@ai-commons/audit-proofs';
import { DEVELOPMENT_AUDIT_SIGNING_SEED } from '@ai-commons/config';
import { headSigningKeys } from '../src/export/head-signing-keys';
import { AuditKeys, parseSigningKey } from '../src/keys/audit-keys';

const secret = Buffer.alloc(32, 9).toString('base64');

describe('AuditKeys', () => {
  it('uses the published development key outside production, and refuses to start without keys in production', () => {
    const development = AuditKeys.fromConfig({ AI_COMMONS_PROFILE: 'demo' });
    expect(development.keyId).toBe(AuditKeys.fromConfig({ AI_COMMONS_PROFILE: 'demo', AUDIT_SIGNING_KEY: DEVELOPMENT_AUDIT_SIGNING_SEED }).keyId);
    expect(() => AuditKeys.fromConfig({ AI_COMMONS_PROFILE: 'production' })).toThrow(/AUDIT_SIGNING_KEY is required in production/);
    expect(() => AuditKeys.fromConfig({ AI_COMMONS_PROFILE: 'production', AUDIT_SIGNING_KEY: DEVELOPMENT_AUDIT_SIGNING_SEED })).toThrow(
      /AUDIT_CONTENT_HMAC_SECRET/,
    );
    expect(
      AuditKeys.fromConfig({ AI_COMMONS_PROFILE: 'production', AUDIT_SIGNING_KEY: Buffer.alloc(32, 1).toString('base64'), AUDIT_CONTENT_HMAC_SECRET: secret })
        .keyId,
    ).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads the signing key as PKCS#8 PEM or as a base64 seed, and its heads verify with the published public key', () => {
    const pair = generateSigningKeyPair();
    const keys = AuditKeys.fromConfig({ AI_COMMONS_PROFILE: 'demo', AUDIT_SIGNING_KEY: privateKeyToPem(pair.privateKey) });
    const head = signTreeHead(createTreeHead(3, Buffer.alloc(32, 1), new Date()), keys.signingKey);
    expect(() => verifyTreeHead(head, importPublicKey(keys.publicKeyPem))).not.toThrow();
    expect(() => verifyTreeHead(head, importPublicKey(keys.publicKeyBase64))).not.toThrow();
    expect(() => parseSigningKey('not a key')).toThrow(/not an Ed25519 key/);
    expect(() => parseSigningKey(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
  });

  it("derives each institution's content key with HKDF, so keys differ and can be handed out one by one", () => {
    const keys = AuditKeys.fromConfig({ AI_COMMONS_PROFILE: 'demo', AUDIT_CONTENT_HMAC_SECRET: secret });
    const a = keys.contentKey('institution-a');
    expect(a).toHaveLength(32);
    expect(a.equals(keys.contentKey('institution-b'))).toBe(false);
    const expected = Buffer.from(
      hkdfSync('sha256', Buffer.from(secret, 'base64'), Buffer.from('ai-commons/audit/content-hmac/v1'), Buffer.from('institution-a'), 32),
    );
    expect(a.equals(expected)).toBe(true);
    expect(keys.contentHmac('institution-a', 'prompt')).toBe(createHmac('sha256', expected).update('prompt').digest('hex'));
  });

  it('publishes the retired public keys of AUDIT_RETIRED_PUBLIC_KEYS (raw base64 or PEM) after the current key, each with its keyId', () => {
    const [current, retiredRaw, retiredPem] = [generateSigningKeyPair(), generateSigningKeyPair(), generateSigningKeyPair()];
    const keys = AuditKeys.fromConfig({
      AI_COMMONS_PROFILE: 'demo',
      AUDIT_SIGNING_KEY: privateKeyToPem(current.privateKey),
      // The current key listed as retired too (a half-done rotation) is published once, as current.
      AUDIT_RETIRED_PUBLIC_KEYS: [
        publicKeyToRaw(retiredRaw.publicKey).toString('base64'),
        publicKeyToPem(retiredPem.publicKey),
        publicKeyToPem(current.publicKey),
      ].join(','),
    });
    expect(keys.publicKeys.map((key) => [key.keyId, key.current])).toEqual([
      [keyIdOf(current.publicKey), true],
      [keyIdOf(retiredRaw.publicKey), false],
      [keyIdOf(retiredPem.publicKey), false],
    ]);
    expect(keys.retiredPublicKeys.map((key) => key.base64)).toEqual([retiredRaw, retiredPem].map((pair) => publicKeyToRaw(pair.publicKey).toString('base64')));
    expect(keys.publicKeyById(keyIdOf(retiredPem.publicKey))?.pem).toBe(publicKeyToPem(retiredPem.publicKey));
    expect(keys.keyId).toBe(keyIdOf(current.publicKey));
    expect(AuditKeys.fromConfig({ AI_COMMONS_PROFILE: 'demo' }).publicKeys).toHaveLength(1);
  });

  it("reads AUDIT_RETIRED_PUBLIC_KEYS with the config's parser: a private key PEM or unpadded base64 is refused as at boot, never derived or half-accepted", () => {
    const [current, old] = [generateSigningKeyPair(), generateSigningKeyPair()];
    const base = { AI_COMMONS_PROFILE: 'demo' as const, AUDIT_SIGNING_KEY: privateKeyToPem(current.privateKey) };
    expect(() => AuditKeys.fromConfig({ ...base, AUDIT_RETIRED_PUBLIC_KEYS: privateKeyToPem(old.privateKey) })).toThrow(
      'AUDIT_RETIRED_PUBLIC_KEYS key 1: a private key; a private key must never be configured here',
    );
    const unpadded = publicKeyToRaw(old.publicKey).toString('base64').replace(/=+$/, '');
    expect(() => AuditKeys.fromConfig({ ...base, AUDIT_RETIRED_PUBLIC_KEYS: unpadded })).toThrow(
      'AUDIT_RETIRED_PUBLIC_KEYS key 1: base64 without its "=" padding',
    );
    expect(() => importPublicKey(privateKeyToPem(old.privateKey))).toThrow('a private key where a public key belongs');
  });

  it('names, for an export, the known keys that signed its heads in the order they first signed', () => {
    const [old, current, unknown] = [generateSigningKeyPair(), generateSigningKeyPair(), generateSigningKeyPair()];
    const keys = AuditKeys.fromConfig({
      AI_COMMONS_PROFILE: 'demo',
      AUDIT_SIGNING_KEY: privateKeyToPem(current.privateKey),
      AUDIT_RETIRED_PUBLIC_KEYS: publicKeyToPem(old.publicKey),
    });
    const head = (size: number, by: typeof old) => signTreeHead(createTreeHead(size, Buffer.alloc(32, size), new Date(size * 1000)), by.privateKey);
    const signers = headSigningKeys([head(1, unknown), head(2, old), head(3, old), head(4, current)], keys);
    expect(signers.map(keyIdOf)).toEqual([keyIdOf(old.publicKey), keyIdOf(current.publicKey)]);
  });
});
