import fc from 'fast-check';
import { parseProofs, serializeProofs, type BundleProofs } from '@ai-commons/audit-proofs';
import { ProofsFileWriter } from '../src/export/proofs-file';

const hash = fc.constantFrom(...Array.from({ length: 6 }, (_, i) => String(i).repeat(64)));

describe('ProofsFileWriter', () => {
  it('writes what parseProofs reads, the same as serializeProofs, for any proofs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(hash, { maxLength: 6 }), { maxLength: 20 }),
        fc.option(
          fc.record({ startSize: fc.constant(0), startFrontier: fc.constant([]), endSize: fc.nat(10), endToLatest: fc.array(hash, { maxLength: 3 }) }),
          { nil: null },
        ),
        async (proofLists, range) => {
          const proofs: BundleProofs = {
            treeSize: 100,
            consistency: [{ fromSize: 1, toSize: 100, proof: ['a'.repeat(64)] }],
            inclusion: proofLists.map((proof, i) => ({ leafIndex: i * 3, proof })),
            range,
          };
          let text = '';
          const writer = new ProofsFileWriter(async (chunk) => void (text += chunk));
          await writer.begin(proofs.treeSize, proofs.consistency, proofs.range);
          for (const entry of proofs.inclusion) await writer.inclusion(entry);
          await writer.end();
          expect(parseProofs(text)).toEqual(parseProofs(serializeProofs(proofs)));
          expect(JSON.parse(text).inclusion).toEqual(JSON.parse(serializeProofs(proofs)).inclusion);
        },
      ),
      { numRuns: 100 },
    );
  });
});
