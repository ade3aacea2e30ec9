import { createReadStream } from 'node:fs';

const CHUNK_SIZE = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Streams a file as batches of lines (raw bytes, without the "\n"), in O(chunk) memory. Lines are
 * views into the read buffers, so the verifier hashes event bytes without decoding or copying them;
 * batches keep the cost of async iteration out of its per-line loop. A final newline does not
 * produce an empty line.
 */
export async function* readLineBatches(path: string, chunkSize = CHUNK_SIZE): AsyncGenerator<readonly Buffer[]> {
  let carried: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: chunkSize })) {
    const buffer = carried.length === 0 ? (chunk as Buffer) : Buffer.concat([carried, chunk as Buffer]);
    const lines: Buffer[] = [];
    let start = 0;
    for (let newline = buffer.indexOf(NEWLINE, start); newline !== -1; newline = buffer.indexOf(NEWLINE, start)) {
      lines.push(buffer.subarray(start, newline));
      start = newline + 1;
    }
    carried = buffer.subarray(start);
    if (lines.length > 0) yield lines;
  }
  if (carried.length > 0) yield [carried];
}

/** Lines of a small text file held in memory, with the same conventions as readLineBatches. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
