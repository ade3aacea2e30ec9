import type { ConsistencyProofEntry, InclusionProofEntry, RangeProof } from '@ai-commons/audit-proofs';

/**
 * Writes proofs.json incrementally, in the layout `serializeProofs` produces and `parseProofs`
 * reads (shared proof tails written once, as `fromPrevious`), so a large filtered export never
 * holds every inclusion proof in memory.
 */
export class ProofsFileWriter {
  private previous: readonly string[] = [];
  private count = 0;

  constructor(private readonly write: (text: string) => Promise<void>) {}

  begin(treeSize: number, consistency: readonly ConsistencyProofEntry[], range: RangeProof | null): Promise<void> {
    const head = JSON.stringify({ treeSize, consistency, range });
    // Re-open the object to append the inclusion array last.
    return this.write(`${head.slice(0, -1)},"inclusion":[`);
  }

  async inclusion(entry: InclusionProofEntry): Promise<void> {
    const previous = this.previous;
    let shared = 0;
    while (shared < entry.proof.length && shared < previous.length && entry.proof[entry.proof.length - 1 - shared] === previous[previous.length - 1 - shared]) {
      shared++;
    }
    const own = entry.proof.slice(0, entry.proof.length - shared);
    const record = shared === 0 ? { leafIndex: entry.leafIndex, proof: own } : { leafIndex: entry.leafIndex, proof: own, fromPrevious: shared };
    await this.write(`${this.count === 0 ? '' : ','}${JSON.stringify(record)}`);
    this.previous = entry.proof;
    this.count++;
  }

  end(): Promise<void> {
    return this.write(']}');
  }
}
