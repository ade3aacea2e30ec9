// The browser's RFC 9162 consistency verification against the transparency-dev known answers the
// audit library is tested with, and the whole check between two heads the server's code signs.
import { generateKeyPairSync } from 'node:crypto';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test only: the server's signer is the reference the browser must agree with
import { signTreeHead } from '@ai-commons/audit-proofs';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test data shared with libs/domain/audit-proofs, not code
import { CONSISTENCY_VECTORS, ROOTS_HEX } from '../../../libs/domain/audit-proofs/test/ct-vectors';
import { bytesEqual, hexToBytes } from '../src/verification/bytes';
import { ProofShapeError, rootsFromConsistencyProof } from '../src/verification/merkle';
import { parsePinnedKey } from '../src/verification/pinned-key';
import type { SignedTreeHead } from '../src/verification/tree-head';
import { verifyHeadConsistency, type ConsistencyProofData } from '../src/verification/verify-consistency';

const rootOf = (size: number) => hexToBytes(ROOTS_HEX[size - 1]!);

/** True when the proof does NOT lead from fromRoot to toRoot (or has the wrong shape). */
async function refused(fromSize: number, toSize: number, fromRoot: Uint8Array, toRoot: Uint8Array, proof: Uint8Array[]): Promise<boolean> {
  try {
    const reached = await rootsFromConsistencyProof(fromSize, toSize, fromRoot, proof);
    return !(bytesEqual(reached.fromRoot, fromRoot) && bytesEqual(reached.toRoot, toRoot));
  } catch (error) {
    if (error instanceof ProofShapeError) return true;
    throw error;
  }
}

describe('in-browser consistency proofs (RFC 9162 §2.1.4, transparency-dev vectors)', () => {
  const nonTrivial = CONSISTENCY_VECTORS.filter((v) => v.fromSize > 0 && v.fromSize < v.toSize);

  it.each(nonTrivial.map((v) => [v.fromSize, v.toSize, v] as const))('verifies %i → %i and refuses every corruption', async (fromSize, toSize, vector) => {
    const proof = vector.proof.map(hexToBytes);
    const fromRoot = rootOf(fromSize);
    const toRoot = rootOf(toSize);
    expect(await refused(fromSize, toSize, fromRoot, toRoot, proof)).toBe(false);
    const flip = (p: Uint8Array) => Uint8Array.from(p, (b, i) => (i === 0 ? b ^ 16 : b));
    const probes: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
      [fromSize - 1, toSize, fromRoot, toRoot, proof],
      [fromSize + 1, toSize, fromRoot, toRoot, proof],
      [fromSize, toSize * 2, fromRoot, toRoot, proof],
      [fromSize, toSize, toRoot, fromRoot, proof],
      [fromSize, toSize, fromRoot, toRoot, []],
      [fromSize, toSize, fromRoot, toRoot, [...proof, fromRoot]],
      [fromSize, toSize, fromRoot, toRoot, [toRoot, ...proof]],
      [fromSize, toSize, fromRoot, toRoot, proof.slice(0, -1)],
      ...proof.map((_, i): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => [
        fromSize,
        toSize,
        fromRoot,
        toRoot,
        proof.map((p, j) => (j === i ? flip(p) : p)),
      ]),
    ];
    for (const probe of probes.filter(([from, to]) => from > 0 && from < to)) expect(await refused(...probe)).toBe(true);
  });

  it('refuses a proof for the trivial cases and sizes going backwards', async () => {
    await expect(rootsFromConsistencyProof(1, 1, rootOf(1), [rootOf(1)])).rejects.toBeInstanceOf(ProofShapeError);
    await expect(rootsFromConsistencyProof(2, 1, rootOf(2), [])).rejects.toBeInstanceOf(ProofShapeError);
  });
});

describe('verifyHeadConsistency (two heads the server signed)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const vector =
    CONSISTENCY_VECTORS.find((v) => v.fromSize === 3 && v.toSize === 7) ?? CONSISTENCY_VECTORS.find((v) => v.fromSize > 1 && v.fromSize < v.toSize)!;
  const sign = (treeSize: number, timestamp: string) => signTreeHead({ treeSize, timestamp, rootHash: ROOTS_HEX[treeSize - 1]! }, privateKey);
  const older = sign(vector.fromSize, '2026-12-03T09:00:00.000Z');
  const newer = sign(vector.toSize, '2026-12-03T09:05:00.000Z');
  const proof: ConsistencyProofData = { fromSize: vector.fromSize, toSize: vector.toSize, proof: vector.proof };
  const flipHex = (hex: string) => hex.replace(/^./, (c) => (c === '0' ? '1' : '0'));

  it('verifies with the key pasted as PEM', async () => {
    expect(await verifyHeadConsistency(older, newer, proof, await parsePinnedKey(pem))).toEqual({ ok: true, fromSize: vector.fromSize, toSize: vector.toSize });
  });

  it.each<[string, () => [SignedTreeHead, SignedTreeHead, ConsistencyProofData], string]>([
    ['one proof hash altered', () => [older, newer, { ...proof, proof: [flipHex(proof.proof[0]!), ...proof.proof.slice(1)] }], 'first-root'],
    [
      'a second head, validly signed, of a tree that does not extend the first',
      () => [older, signTreeHead({ treeSize: vector.toSize, timestamp: newer.timestamp, rootHash: ROOTS_HEX[vector.toSize - 2]! }, privateKey), proof],
      'second-root',
    ],
    ['a proof element missing', () => [older, newer, { ...proof, proof: proof.proof.slice(1) }], 'proof-shape'],
    ['a proof for other sizes', () => [older, newer, { ...proof, fromSize: proof.fromSize + 1 }], 'proof-sizes'],
    ['the heads in the wrong order', () => [newer, older, proof], 'order'],
    ['a head whose root was rewritten (signature no longer verifies)', () => [{ ...older, rootHash: flipHex(older.rootHash) }, newer, proof], 'signature'],
  ])('fails with %s', async (_name, args, check) => {
    const [a, b, c] = args();
    expect(await verifyHeadConsistency(a, b, c, await parsePinnedKey(pem))).toMatchObject({ ok: false, check });
  });

  it('fails at the key id with another pinned key', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(await verifyHeadConsistency(older, newer, proof, await parsePinnedKey(other))).toMatchObject({ ok: false, check: 'key-id' });
  });
});
