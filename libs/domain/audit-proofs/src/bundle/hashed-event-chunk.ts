import { HASH_SIZE, leafHashOfRange } from '../merkle/hashing';
import { scanCanonicalEventLine } from './event-line';

const NEWLINE = 0x0a;

/**
 * The per-line work of verifying events.jsonl that needs nothing but the line itself: the canonical
 * scan and the leaf hash (about three quarters of the verifier's CPU time). Done on a block of lines
 * at a time, so that it can run on another thread; everything that depends on the order of lines
 * (leaf order, gaps, tree roots, proofs, failures) stays with EventStreamChecker.
 */
export interface ChunkLeaves {
  /** End of each line (exclusive, before its "\n"); a line starts one byte after the previous one's end. */
  readonly lineEnds: Uint32Array;
  /** Leaf index of each canonical line, or -1 for a line the checker must examine itself (malformed or not canonical). */
  readonly leafIndexes: Float64Array;
  /** Leaf hash of each canonical line's event, HASH_SIZE bytes per line (zeros for the others). */
  readonly leafHashes: Uint8Array;
}

/** A block of whole events.jsonl lines with its ChunkLeaves. */
export interface HashedEventChunk {
  /** The lines, each followed by "\n" except possibly the last line of the file. */
  readonly bytes: Uint8Array;
  readonly leaves: ChunkLeaves;
}

/** Marks a line in ChunkLeaves.leafIndexes that did not pass the canonical fast path. */
export const UNSCANNED_LINE = -1;

/**
 * Splits `bytes` into lines as events.jsonl is read (on "\n"; a final "\n" does not start another
 * line) and scans and hashes each one exactly as EventStreamChecker.accept's fast path does.
 */
export function hashEventLines(bytes: Uint8Array): ChunkLeaves {
  const lineEnds = findLineEnds(bytes);
  const leafIndexes = new Float64Array(lineEnds.length);
  const leafHashes = new Uint8Array(lineEnds.length * HASH_SIZE);
  let start = 0;
  for (let i = 0; i < lineEnds.length; i++) {
    const end = lineEnds[i]!;
    const line = bytes.subarray(start, end);
    const canonical = scanCanonicalEventLine(line);
    if (canonical === null) {
      leafIndexes[i] = UNSCANNED_LINE;
    } else {
      leafIndexes[i] = canonical.leafIndex;
      leafHashes.set(leafHashOfRange(line, canonical.eventStart, canonical.eventEnd), i * HASH_SIZE);
    }
    start = end + 1;
  }
  return { lineEnds, leafIndexes, leafHashes };
}

function findLineEnds(bytes: Uint8Array): Uint32Array {
  // Buffer#indexOf is a native memchr; a Buffer view shares the memory (also a SharedArrayBuffer's).
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let ends = new Uint32Array(1024);
  let count = 0;
  let start = 0;
  while (start < view.length) {
    const newline = view.indexOf(NEWLINE, start);
    const end = newline === -1 ? view.length : newline;
    if (count === ends.length) {
      const grown = new Uint32Array(ends.length * 2);
      grown.set(ends);
      ends = grown;
    }
    ends[count++] = end;
    start = end + 1;
  }
  return ends.slice(0, count);
}
