// Entry point of each worker thread of leaf-hash-pool.ts. It receives blocks of whole events.jsonl
// lines (views of SharedArrayBuffers: nothing is copied) and answers, in the order received, with
// their canonical scan and leaf hashes — the order-independent three quarters of the verifier's work.
import { parentPort } from 'node:worker_threads';
import { hashEventLines } from '@ai-commons/audit-proofs';

parentPort!.on('message', (bytes: Uint8Array) => {
  const leaves = hashEventLines(bytes);
  // Transferred, not copied: hashEventLines allocates these arrays (plain ArrayBuffers) and this thread keeps none of them.
  const transfer = [leaves.lineEnds.buffer, leaves.leafIndexes.buffer, leaves.leafHashes.buffer] as ArrayBuffer[];
  parentPort!.postMessage(leaves, transfer);
});
