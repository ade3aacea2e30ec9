import { hashEventLines, HashedEventChunk } from '@ai-commons/audit-proofs';
import { LeafHashThread } from './leaf-hash-thread';

// Blocks handed to each thread ahead of the one being checked: enough that a thread always has its
// next block while the main thread checks and reads, few enough to bound memory (threads × 2 blocks).
const BLOCKS_AHEAD_PER_THREAD = 2;

/**
 * Scans and leaf-hashes blocks of events.jsonl on `threads` worker threads (round robin) and yields
 * them in file order, so the main thread's in-order checks (leaf order, tree roots, proofs) see
 * exactly the sequence of lines a single-threaded pass would. `threads` 0 hashes on this thread.
 */
export async function* hashLineChunks(chunks: AsyncIterable<Uint8Array>, threads: number): AsyncGenerator<HashedEventChunk> {
  if (threads === 0) {
    for await (const bytes of chunks) yield { bytes, leaves: hashEventLines(bytes) };
    return;
  }
  const pool: LeafHashThread[] = [];
  try {
    // Inside the try: if the k-th thread cannot start, the ones already running are terminated.
    for (let index = 0; index < threads; index++) pool.push(new LeafHashThread());
    const inFlight: Promise<HashedEventChunk>[] = [];
    let sent = 0;
    for await (const bytes of chunks) {
      const thread = pool[sent++ % threads]!;
      const hashed = thread.hash(bytes).then((leaves) => ({ bytes, leaves }));
      // If the verification stops early, answers still in flight are never awaited: not an unhandled rejection.
      hashed.catch(() => undefined);
      inFlight.push(hashed);
      if (inFlight.length >= threads * BLOCKS_AHEAD_PER_THREAD) yield await inFlight.shift()!;
    }
    while (inFlight.length > 0) yield await inFlight.shift()!;
  } finally {
    await Promise.all(pool.map((thread) => thread.terminate()));
  }
}
