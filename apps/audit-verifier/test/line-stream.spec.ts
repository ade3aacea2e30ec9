import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readLineBatches, splitLines } from '../src/line-stream';

async function readAll(path: string, chunkSize: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of readLineBatches(path, chunkSize)) for (const line of batch) lines.push(line.toString('utf8'));
  return lines;
}

describe('readLineBatches', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'line-stream-'))));
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('returns the lines of any text for any chunk size, keeping multi-byte characters whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom('a', '감', '사', '😀', '"', ' ') }), { maxLength: 12 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 9 }),
        async (lines, finalNewline, chunkSize) => {
          const path = join(dir, 'lines.jsonl');
          const text = lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '');
          await writeFile(path, text);
          expect(await readAll(path, chunkSize)).toEqual(splitLines(text));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads an empty file as no lines', async () => {
    const path = join(dir, 'empty.jsonl');
    await writeFile(path, '');
    expect(await readAll(path, 4)).toEqual([]);
  });
});
