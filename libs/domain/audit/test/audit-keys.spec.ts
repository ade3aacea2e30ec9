import { createHmac, hkdfSync } from 'node:crypto';
import { generateSigningKeyPair, privateKeyToPem, signTreeHead, createTreeHead, verifyTreeHead, importPublicKey } from '@ai-commons/audit-proofs';
import { DEVELOPMENT_AUDIT_SIGNING_SEED } from '@ai-commons/config';
import { AuditKeys, parseSigningKey } from '../src/keys/audit-keys';

const secret = Buffer.alloc(32, 9).toString('base64');

describe('AuditKeys', () => {
  it('uses the published development key outside production, and refuses to start without keys in production', () => {
    const development = AuditKeys.fromConfig({ NODE_ENV: 'development' });
    expect(development.keyId).toBe(AuditKeys.fromConfig({ NODE_ENV: 'test', AUDIT_SIGNING_KEY: DEVELOPMENT_AUDIT_SIGNING_SEED }).keyId);
    expect(() => AuditKeys.fromConfig({ NODE_ENV: 'production' })).toThrow(/AUDIT_SIGNING_KEY is required in production/);
    expect(() => AuditKeys.fromConfig({ NODE_ENV: 'production', AUDIT_SIGNING_KEY: DEVELOPMENT_AUDIT_SIGNING_SEED })).toThrow(/AUDIT_CONTENT_HMAC_SECRET/);
    expect(AuditKeys.fromConfig({ NODE_ENV: 'production', AUDIT_SIGNING_KEY: Buffer.alloc(32, 1).toString('base64'), AUDIT_CONTENT_HMAC_SECRET: secret }).keyId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads the signing key as PKCS#8 PEM or as a base64 seed, and its heads verify with the published public key', () => {
    const pair = generateSigningKeyPair();
    const keys = AuditKeys.fromConfig({ NODE_ENV: 'test', AUDIT_SIGNING_KEY: privateKeyToPem(pair.privateKey) });
    const head = signTreeHead(createTreeHead(3, Buffer.alloc(32, 1), new Date()), keys.signingKey);
    expect(() => verifyTreeHead(head, importPublicKey(keys.publicKeyPem))).not.toThrow();
    expect(() => verifyTreeHead(head, importPublicKey(keys.publicKeyBase64))).not.toThrow();
    expect(() => parseSigningKey('not a key')).toThrow(/not an Ed25519 key/);
    expect(() => parseSigningKey(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
  });

  it("derives each institution's content key with HKDF, so keys differ and can be handed out one by one", () => {
    const keys = AuditKeys.fromConfig({ NODE_ENV: 'test', AUDIT_CONTENT_HMAC_SECRET: secret });
    const a = keys.contentKey('institution-a');
    expect(a).toHaveLength(32);
    expect(a.equals(keys.contentKey('institution-b'))).toBe(false);
    const expected = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'base64'), Buffer.from('ai-commons/audit/content-hmac/v1'), Buffer.from('institution-a'), 32));
    expect(a.equals(expected)).toBe(true);
    expect(keys.contentHmac('institution-a', 'prompt')).toBe(createHmac('sha256', expected).update('prompt').digest('hex'));
  });
});
