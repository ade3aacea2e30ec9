import {
  AuditBundle,
  canonicalJson,
  keyIdOf,
  privateKeyFromSeed,
  publicKeyOf,
  publicKeyToPem,
  serializeBundledPublicKeys,
  SignedTreeHead,
  signTreeHead,
  verifyBundle,
  VerificationReport,
} from '../src';
import { sampleBundle, sampleLog, SampleLog } from './audit-log-fixture';

// The log's first key signs the first heads; after a rotation the second key signs the rest.
const keyA = privateKeyFromSeed(Buffer.alloc(32, 11));
const keyB = privateKeyFromSeed(Buffer.alloc(32, 12));
const publicA = publicKeyOf(keyA);
const publicB = publicKeyOf(keyB);
const HEADS_SIGNED_BY_A = 3;

const rotated: SampleLog = (() => {
  const log = sampleLog(keyA, [5, 40, 1, 64, 23, 23, 90]);
  const heads = log.heads.map((head, i) => (i < HEADS_SIGNED_BY_A ? head : resign(head, keyB)));
  return { ...log, heads };
})();

function resign(head: SignedTreeHead, privateKey: typeof keyA): SignedTreeHead {
  return signTreeHead({ treeSize: head.treeSize, timestamp: head.timestamp, rootHash: head.rootHash }, privateKey);
}

function rotatedBundle(scope: 'full' | 'filtered'): AuditBundle {
  const bundle = sampleBundle(rotated, publicB, scope === 'full' ? { scope } : { scope, institution: 'shinhan' });
  return { ...bundle, publicKeysJson: serializeBundledPublicKeys([publicA, publicB]) };
}

function withHeads(bundle: AuditBundle, edit: (heads: SignedTreeHead[]) => SignedTreeHead[]): AuditBundle {
  return { ...bundle, treeHeads: edit(bundle.treeHeads.map((line) => JSON.parse(line) as SignedTreeHead)).map((head) => canonicalJson(head)) };
}

const codes = (report: VerificationReport): string[] => [...new Set(report.failures.map((f) => f.code))].sort();

describe.each(['full', 'filtered'] as const)('a %s bundle whose heads were signed by two keys (rotation)', (scope) => {
  it('verifies with both keys pinned, consistency included across the rotation boundary', async () => {
    const report = await verifyBundle(rotatedBundle(scope), [publicA, publicB]);
    expect(report.failures).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.pinnedKeyIds).toEqual([keyIdOf(publicA), keyIdOf(publicB)]);
    expect(report.counts.signaturesVerified).toBe(7);
    // Heads 3 → 4 are the A → B boundary: its consistency proof is checked like any other.
    expect(report.counts.consistencyProofsVerified).toBe(6);
  });

  it('fails with only the new key pinned, naming the key that is not pinned — the bundle’s own key list is not trusted', async () => {
    const report = await verifyBundle(rotatedBundle(scope), [publicB]);
    expect(report.ok).toBe(false);
    expect(codes(report)).toEqual(['TREE_HEAD_SIGNATURE_INVALID']);
    expect(report.failures).toHaveLength(HEADS_SIGNED_BY_A);
    expect(report.failures[0]!.message).toContain(`signed by key ${keyIdOf(publicA)}, which is not pinned`);
    expect(report.warnings.map((w) => w.message)).toEqual([`public-keys.json holds key ${keyIdOf(publicA)}, which is not pinned`]);
  });

  it('fails with only the old key pinned', async () => {
    const report = await verifyBundle(rotatedBundle(scope), publicA);
    expect(report.ok).toBe(false);
    expect(report.failures).toHaveLength(7 - HEADS_SIGNED_BY_A);
    expect(report.failures.every((f) => f.message.includes(`signed by key ${keyIdOf(publicB)}, which is not pinned`))).toBe(true);
  });

  it('fails when a head’s keyId is swapped to the other pinned key', async () => {
    const swapped = withHeads(rotatedBundle(scope), (heads) => heads.map((head, i) => (i === 1 ? { ...head, keyId: keyIdOf(publicB) } : head)));
    const report = await verifyBundle(swapped, [publicA, publicB]);
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      expect.objectContaining({ code: 'TREE_HEAD_SIGNATURE_INVALID', line: 2, message: expect.stringContaining('does not verify') }),
    ]);
  });

  it('fails when a head is re-signed with the other pinned key but keeps its keyId', async () => {
    const mixed = withHeads(rotatedBundle(scope), (heads) => heads.map((head, i) => (i === 5 ? { ...resign(head, keyA), keyId: head.keyId } : head)));
    const report = await verifyBundle(mixed, [publicA, publicB]);
    expect(report.failures).toEqual([expect.objectContaining({ code: 'TREE_HEAD_SIGNATURE_INVALID', line: 6 })]);
  });
});

describe('bundles written before key rotation', () => {
  it('still verify against their single pinned key, without public-keys.json', async () => {
    const single = sampleLog(keyA, [5, 40, 1]);
    const bundle = sampleBundle(single, publicA, { scope: 'full' });
    expect(bundle.publicKeysJson).toBeNull();
    const report = await verifyBundle(
      { manifest: bundle.manifest, treeHeads: bundle.treeHeads, proofs: bundle.proofs, publicKeyPem: bundle.publicKeyPem, events: bundle.events },
      publicA,
    );
    expect(report.ok).toBe(true);
    expect(report.warnings).toEqual([]);
  });

  it('also verify with extra pinned keys that signed none of their heads', async () => {
    const single = sampleLog(keyA, [5, 40, 1]);
    const report = await verifyBundle(sampleBundle(single, publicA, { scope: 'full' }), [publicB, publicA]);
    expect(report.ok).toBe(true);
  });
});

describe('public-keys.json', () => {
  it('warns when an entry’s keyId is not the key it holds, or the file is unreadable', async () => {
    const bundle = rotatedBundle('full');
    const mislabelled = JSON.stringify([{ keyId: keyIdOf(publicB), pem: publicKeyToPem(publicA) }]);
    const report = await verifyBundle({ ...bundle, publicKeysJson: mislabelled }, [publicA, publicB]);
    expect(report.ok).toBe(true);
    expect(report.warnings).toEqual([
      { code: 'PUBLIC_KEY_MISMATCH', message: `public-keys.json lists key ${keyIdOf(publicA)} under the key id ${keyIdOf(publicB)}` },
    ]);
    const garbled = await verifyBundle({ ...bundle, publicKeysJson: '{' }, [publicA, publicB]);
    expect(garbled.warnings.map((w) => w.code)).toEqual(['PUBLIC_KEY_UNREADABLE']);
  });
});
