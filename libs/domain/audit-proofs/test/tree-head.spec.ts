import { createHash, sign } from 'node:crypto';
import fc from 'fast-check';
import {
  AuditProofError,
  createTreeHead,
  generateSigningKeyPair,
  importPrivateKey,
  importPublicKey,
  keyIdOf,
  parseSignedTreeHead,
  privateKeyFromSeed,
  privateKeyToPem,
  publicKeyOf,
  publicKeyToPem,
  publicKeyToRaw,
  signTreeHead,
  treeHeadSigningPayload,
  verifyTreeHead,
} from '../src';

// RFC 8032 §7.1, TEST 1.
const RFC8032_SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const RFC8032_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const RFC8032_EMPTY_MESSAGE_SIGNATURE =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

const privateKey = privateKeyFromSeed(RFC8032_SEED);
const publicKey = publicKeyOf(privateKey);
const head = { treeSize: 1234, timestamp: '2025-03-01T09:00:00.000Z', rootHash: 'ab'.repeat(32) };

describe('Ed25519 keys', () => {
  it('derives the RFC 8032 public key and signature from the fixed seed', () => {
    expect(publicKeyToRaw(publicKey).toString('hex')).toBe(RFC8032_PUBLIC);
    expect(sign(null, Buffer.alloc(0), privateKey).toString('hex')).toBe(RFC8032_EMPTY_MESSAGE_SIGNATURE);
  });

  it('uses the SHA-256 of the raw public key as key id', () => {
    const expected = createHash('sha256').update(Buffer.from(RFC8032_PUBLIC, 'hex')).digest('hex');
    expect(keyIdOf(publicKey)).toBe(expected);
  });

  it('round-trips keys through PEM and raw base64', () => {
    const pair = generateSigningKeyPair();
    const pem = publicKeyToPem(pair.publicKey);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(keyIdOf(importPublicKey(pem))).toBe(keyIdOf(pair.publicKey));
    expect(keyIdOf(importPublicKey(publicKeyToRaw(pair.publicKey).toString('base64')))).toBe(keyIdOf(pair.publicKey));
    expect(keyIdOf(publicKeyOf(importPrivateKey(privateKeyToPem(pair.privateKey))))).toBe(keyIdOf(pair.publicKey));
  });

  it('rejects keys that are not Ed25519 or not keys at all', () => {
    expect(() => importPublicKey('-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----')).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
    expect(() => importPublicKey(Buffer.alloc(31).toString('base64'))).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
    expect(() => importPublicKey('not base64!')).toThrow(AuditProofError);
    expect(() => privateKeyFromSeed(Buffer.alloc(16))).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });
});

describe('signed tree heads', () => {
  it('signs the domain-separated canonical payload', () => {
    const expected =
      '{"purpose":"ai-commons/audit-log/tree-head","rootHash":"' + 'ab'.repeat(32) + '","timestamp":"2025-03-01T09:00:00.000Z","treeSize":1234,"v":1}';
    expect(treeHeadSigningPayload(head).toString('utf8')).toBe(expected);
    const signed = signTreeHead(head, privateKey);
    expect(signed.signature).toBe(sign(null, Buffer.from(expected), privateKey).toString('base64'));
    expect(signed.keyId).toBe(keyIdOf(publicKey));
    expect(verifyTreeHead(signed, publicKey)).toEqual(head);
  });

  it('builds heads from root bytes and a Date', () => {
    expect(createTreeHead(7, Buffer.alloc(32, 1), new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)))).toEqual({
      treeSize: 7,
      timestamp: '2025-01-02T03:04:05.006Z',
      rootHash: '01'.repeat(32),
    });
  });

  it('rejects a head whose size, time or root was changed after signing', () => {
    const signed = signTreeHead(head, privateKey);
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .integer({ min: 0, max: 2 ** 40 })
            .filter((n) => n !== head.treeSize)
            .map((treeSize) => ({ treeSize })),
          fc
            .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
            .filter((d) => d.toISOString() !== head.timestamp)
            .map((d) => ({ timestamp: d.toISOString() })),
          fc
            .uint8Array({ minLength: 32, maxLength: 32 })
            .map((bytes) => ({ rootHash: Buffer.from(bytes).toString('hex') }))
            .filter((c) => c.rootHash !== head.rootHash),
        ),
        (change) => {
          expect(() => verifyTreeHead({ ...signed, ...change }, publicKey)).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE' }));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects a head signed by another key, naming the key ids', () => {
    const forger = generateSigningKeyPair();
    const forged = signTreeHead(head, forger.privateKey);
    expect(() => verifyTreeHead(forged, publicKey)).toThrow(expect.objectContaining({ code: 'KEY_ID_MISMATCH' }));
    expect(() => verifyTreeHead({ ...forged, keyId: keyIdOf(publicKey) }, publicKey)).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE' }));
  });

  it.each([
    ['a negative size', { treeSize: -1 }],
    ['a fractional size', { treeSize: 1.5 }],
    ['a local time', { timestamp: '2025-03-01T09:00:00.000+09:00' }],
    ['an impossible date', { timestamp: '2025-02-30T09:00:00.000Z' }],
    ['a short root', { rootHash: 'ab'.repeat(31) }],
    ['an uppercase root', { rootHash: 'AB'.repeat(32) }],
  ])('refuses to sign or parse a head with %s', (_name, change) => {
    const malformed = { ...head, ...change };
    expect(() => treeHeadSigningPayload(malformed)).toThrow(expect.objectContaining({ code: 'MALFORMED_TREE_HEAD' }));
    expect(() => parseSignedTreeHead({ ...malformed, keyId: 'k', signature: 's' })).toThrow(expect.objectContaining({ code: 'MALFORMED_TREE_HEAD' }));
  });

  it('parses only objects with exactly the signed tree head fields', () => {
    const signed = signTreeHead(head, privateKey);
    expect(parseSignedTreeHead(JSON.parse(JSON.stringify(signed)))).toEqual(signed);
    expect(() => parseSignedTreeHead({ ...signed, extra: 1 })).toThrow(expect.objectContaining({ code: 'MALFORMED_TREE_HEAD' }));
    expect(() => parseSignedTreeHead([signed])).toThrow(expect.objectContaining({ code: 'MALFORMED_TREE_HEAD' }));
  });
});
