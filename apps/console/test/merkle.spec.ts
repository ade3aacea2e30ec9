// The browser's RFC 9162 inclusion verification against the transparency-dev known answers the
// audit library is tested with (shared data, read by this test only).
// eslint-disable-next-line @nx/enforce-module-boundaries -- test data shared with libs/domain/audit-proofs, not code
import { INCLUSION_VECTORS, LEAF_INPUTS_HEX, NODE_HASHES_HEX, ROOTS_HEX } from '../../../libs/domain/audit-proofs/test/ct-vectors';
import { bytesToHex, hexToBytes } from '../src/verification/bytes';
import { inclusionLeadsTo, leafHash, nodeHash, ProofShapeError, rootFromInclusionProof } from '../src/verification/merkle';

const leaves = () => Promise.all(LEAF_INPUTS_HEX.map((input) => leafHash(hexToBytes(input))));

describe('in-browser Merkle verification (RFC 9162, transparency-dev vectors)', () => {
  it('hashes leaves with 0x00 and nodes with 0x01', async () => {
    const hashes = await leaves();
    expect(hashes.map(bytesToHex)).toEqual(NODE_HASHES_HEX[0]);
    expect(bytesToHex(await nodeHash(hashes[0]!, hashes[1]!))).toBe(NODE_HASHES_HEX[1]![0]);
  });

  it.each(INCLUSION_VECTORS.map((vector) => [vector.leafIndex, vector.treeSize, vector] as const))(
    'verifies the inclusion of leaf %i in the tree of size %i',
    async (_leafIndex, _treeSize, vector) => {
      const hashes = await leaves();
      const root = hexToBytes(ROOTS_HEX[vector.treeSize - 1]!);
      const proof = vector.proof.map(hexToBytes);
      expect(await inclusionLeadsTo(vector.leafIndex, vector.treeSize, hashes[vector.leafIndex]!, proof, root)).toBe(true);
      // Any one altered byte of any proof element leads elsewhere.
      for (let i = 0; i < proof.length; i++) {
        const altered = proof.map((p) => p.slice());
        altered[i]![0]! ^= 0x01;
        expect(await inclusionLeadsTo(vector.leafIndex, vector.treeSize, hashes[vector.leafIndex]!, altered, root)).toBe(false);
      }
      // Another leaf at the same position does not verify.
      const other = hashes[(vector.leafIndex + 1) % hashes.length]!;
      expect(await inclusionLeadsTo(vector.leafIndex, vector.treeSize, other, proof, root)).toBe(false);
    },
  );

  it('refuses proofs of the wrong length and out-of-range indexes instead of computing a root', async () => {
    const hashes = await leaves();
    const vector = INCLUSION_VECTORS.find((v) => v.proof.length > 1)!;
    const proof = vector.proof.map(hexToBytes);
    await expect(rootFromInclusionProof(vector.leafIndex, vector.treeSize, hashes[vector.leafIndex]!, proof.slice(1))).rejects.toBeInstanceOf(ProofShapeError);
    await expect(rootFromInclusionProof(vector.leafIndex, vector.treeSize, hashes[vector.leafIndex]!, [...proof, proof[0]!])).rejects.toBeInstanceOf(
      ProofShapeError,
    );
    await expect(rootFromInclusionProof(8, 8, hashes[0]!, proof)).rejects.toBeInstanceOf(ProofShapeError);
    await expect(rootFromInclusionProof(-1, 8, hashes[0]!, proof)).rejects.toBeInstanceOf(ProofShapeError);
    await expect(rootFromInclusionProof(0, 8, hashes[0]!.slice(1), proof)).rejects.toBeInstanceOf(ProofShapeError);
  });
});
