import { open } from 'node:fs/promises';

const CHUNK_SIZE = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Streams a file as blocks of whole lines: each block ends just after a "\n", except the file's last
 * block when the file does not end with one. Blocks are at least `chunkSize` bytes of reading (a line
 * longer than that makes its block grow) and live in SharedArrayBuffers, so worker threads can scan
 * and hash them where they are while this thread keeps them for the lines it must look at itself.
 */
export async function* readLineChunks(path: string, chunkSize = CHUNK_SIZE): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  // Reads the next block while the caller works on the current one (read-ahead of one block).
  const readBlock = (carried: Buffer): Promise<{ block: Buffer; filled: number; bytesRead: number }> => {
    const size = Math.max(chunkSize, carried.length * 2);
    const block = Buffer.from(new SharedArrayBuffer(size));
    carried.copy(block);
    const read = file
      .read(block, carried.length, size - carried.length, null)
      .then(({ bytesRead }) => ({ block, filled: carried.length + bytesRead, bytesRead }));
    // An I/O error surfaces where the block is awaited; until then it must not count as unhandled.
    read.catch(() => undefined);
    return read;
  };
  let next: ReturnType<typeof readBlock> | null = null;
  try {
    next = readBlock(Buffer.alloc(0));
    for (;;) {
      const { block, filled, bytesRead } = await next;
      next = null;
      if (bytesRead === 0) {
        if (filled > 0) yield block.subarray(0, filled);
        return;
      }
      const lastNewline = block.lastIndexOf(NEWLINE, filled - 1);
      // The unfinished last line (or, without any newline yet, everything) moves to the front of the next block.
      next = readBlock(block.subarray(lastNewline + 1, filled));
      if (lastNewline !== -1) yield block.subarray(0, lastNewline + 1);
    }
  } finally {
    // An abandoned read-ahead must finish before the file is closed under it.
    await next?.catch(() => undefined);
    await file.close();
  }
}

/** Lines of a small text file held in memory: split on "\n"; a final "\n" does not start another line. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
