import { generateSigningKeyPair, keyIdOf } from '@ai-commons/audit-proofs';
import { AuditKeys } from '../src/keys/audit-keys';
import { publishedPublicKeys } from '../src/read/published-public-keys';
import type { SigningKeyUsage } from '../src/storage/key-usage';

const usage = (keyId: string, first: number, last: number, heads: number): SigningKeyUsage => ({
  keyId,
  treeHeadCount: heads,
  firstTreeSize: first,
  lastTreeSize: last,
  firstSignedAt: new Date(first * 1000),
  lastSignedAt: new Date(last * 1000),
});

describe('auditPublicKeys assembly', () => {
  it('lists the configured keys, then every key id of stored heads the platform does not know, so the whole history shows', () => {
    const [current, retired, unused] = [generateSigningKeyPair(), generateSigningKeyPair(), generateSigningKeyPair()];
    const keys = new AuditKeys(current.privateKey, Buffer.alloc(32, 1), [retired.publicKey, unused.publicKey]);
    const [unknownEarly, unknownLate] = ['aa'.repeat(32), 'bb'.repeat(32)];
    const stored = new Map(
      [
        usage(unknownLate, 40, 50, 2),
        usage(keyIdOf(current.publicKey), 60, 90, 4),
        usage(unknownEarly, 1, 9, 3),
        usage(keyIdOf(retired.publicKey), 10, 30, 5),
      ].map((u) => [u.keyId, u] as const),
    );
    const published = publishedPublicKeys(keys.publicKeys, stored);
    expect(published.map((key) => [key.keyId, key.known, key.current, key.usage?.treeHeadCount ?? 0])).toEqual([
      [keyIdOf(current.publicKey), true, true, 4],
      [keyIdOf(retired.publicKey), true, false, 5],
      [keyIdOf(unused.publicKey), true, false, 0],
      [unknownEarly, false, false, 3],
      [unknownLate, false, false, 2],
    ]);
    expect(published[0]).toMatchObject({ pem: keys.publicKeyPem, base64: keys.publicKeyBase64 });
    expect(published[3]).toEqual({ keyId: unknownEarly, known: false, current: false, pem: null, base64: null, usage: stored.get(unknownEarly) });
    // Every stored head is accounted for.
    expect(published.reduce((sum, key) => sum + (key.usage?.treeHeadCount ?? 0), 0)).toBe(14);
  });
});
