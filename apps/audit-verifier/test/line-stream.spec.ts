import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { hashEventLines } from '@ai-commons/audit-proofs';
import { readLineChunks, splitLines } from '../src/line-stream';

async function readChunks(path: string, chunkSize: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of readLineChunks(path, chunkSize)) chunks.push(Buffer.from(chunk));
  return chunks;
}

/** The lines of the chunks as the verifier splits them (hashEventLines' line ends). */
function linesOf(chunks: readonly Buffer[]): string[] {
  return chunks.flatMap((chunk) => {
    let start = 0;
    return [...hashEventLines(chunk).lineEnds].map((end) => {
      const line = chunk.subarray(start, end).toString('utf8');
      start = end + 1;
      return line;
    });
  });
}

describe('readLineChunks', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'line-stream-'))));
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('returns blocks of whole lines that add up to the file, for any text and chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom('a', '감', '사', '😀', '"', ' ') }), { maxLength: 12 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 9 }),
        async (lines, finalNewline, chunkSize) => {
          const path = join(dir, 'lines.jsonl');
          const text = lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '');
          await writeFile(path, text);
          const chunks = await readChunks(path, chunkSize);
          expect(Buffer.concat(chunks).toString('utf8')).toBe(text);
          // Only the last block may end inside a line (a file without a final newline).
          chunks.slice(0, -1).forEach((chunk) => expect(chunk[chunk.length - 1]).toBe(0x0a));
          expect(chunks.every((chunk) => chunk.length > 0)).toBe(true);
          expect(linesOf(chunks)).toEqual(splitLines(text));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('grows a block for a line longer than the chunk size', async () => {
    const path = join(dir, 'long.jsonl');
    const long = 'x'.repeat(1000);
    await writeFile(path, `a\n${long}\nb`);
    const chunks = await readChunks(path, 16);
    expect(chunks.map((chunk) => chunk.toString('utf8'))).toEqual(['a\n', `${long}\n`, 'b']);
  });

  it('reads an empty file as no blocks', async () => {
    const path = join(dir, 'empty.jsonl');
    await writeFile(path, '');
    expect(await readChunks(path, 4)).toEqual([]);
  });
});
