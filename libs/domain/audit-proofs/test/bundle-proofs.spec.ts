import fc from 'fast-check';
import { BundleProofs, inclusionProofFromLeafHashes, parseProofs, serializeProofs, toHex } from '../src';
import { syntheticLeafHashes } from './merkle-fixtures';

const leaves = syntheticLeafHashes(300);

function proofsFor(leafIndexes: readonly number[]): BundleProofs {
  return {
    treeSize: leaves.length,
    consistency: [],
    inclusion: leafIndexes.map((leafIndex) => ({ leafIndex, proof: inclusionProofFromLeafHashes(leaves, leafIndex).map(toHex) })),
    range: null,
  };
}

describe('proofs.json inclusion proofs with shared tails', () => {
  it('round-trips any sorted selection of proofs', () => {
    const selections = fc.uniqueArray(fc.integer({ min: 0, max: leaves.length - 1 }), { maxLength: 60 }).map((s) => s.sort((a, b) => a - b));
    fc.assert(
      fc.property(selections, (selection) => {
        const proofs = proofsFor(selection);
        expect(parseProofs(serializeProofs(proofs))).toEqual(proofs);
      }),
      { numRuns: 100 },
    );
  });

  it('writes each shared upper part once', () => {
    const consecutive = proofsFor(Array.from({ length: 100 }, (_, i) => 100 + i));
    const expanded = JSON.stringify(consecutive).length;
    expect(serializeProofs(consecutive).length).toBeLessThan(expanded / 3);
  });

  it.each([
    ['a first record reusing a previous proof', [{ leafIndex: 1, proof: [], fromPrevious: 1 }]],
    [
      'a record reusing more than the previous proof holds',
      [
        { leafIndex: 1, proof: ['aa'.repeat(32)] },
        { leafIndex: 2, proof: [], fromPrevious: 2 },
      ],
    ],
    [
      'an unsorted list',
      [
        { leafIndex: 2, proof: [] },
        { leafIndex: 1, proof: [] },
      ],
    ],
    ['an uppercase hash', [{ leafIndex: 2, proof: ['AA'.repeat(32)] }]],
  ])('rejects %s', (_name, inclusion) => {
    const text = JSON.stringify({ treeSize: 300, consistency: [], inclusion, range: null });
    expect(() => parseProofs(text)).toThrow(expect.objectContaining({ code: 'MALFORMED_BUNDLE' }));
  });
});
