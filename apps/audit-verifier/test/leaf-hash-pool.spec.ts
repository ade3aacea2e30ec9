import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditBundle, BUNDLE_FILES, verifyBundle, VerificationReport } from '@ai-commons/audit-proofs';
import { hashLineChunks } from '../src/leaf-hash-pool';
import { readLineChunks } from '../src/line-stream';
import { BundleDirectory, PUBLIC_KEY, sampleBundle, writeBundleDirectory } from './bundle-directory';

// Small blocks, so a 150-event events.jsonl (about 25 KiB) is spread over many blocks and both workers.
const BLOCK_SIZE = 1024;

async function verifyThrough(dir: BundleDirectory, threads: number): Promise<VerificationReport> {
  const bundle: AuditBundle = sampleBundle('full');
  const events = hashLineChunks(readLineChunks(join(dir.bundleDir, BUNDLE_FILES.events), BLOCK_SIZE), threads);
  const report = await verifyBundle({ ...bundle, events }, PUBLIC_KEY);
  return { ...report, durationMs: 0 };
}

async function editEventLine(dir: BundleDirectory, index: number, edit: (line: string) => string): Promise<void> {
  const path = join(dir.bundleDir, BUNDLE_FILES.events);
  const lines = (await readFile(path, 'utf8')).split('\n');
  lines[index] = edit(lines[index]!);
  await writeFile(path, lines.join('\n'));
}

// Each CLI run starts worker threads that compile the TypeScript sources first: slow on a loaded 2-core machine.
jest.setTimeout(60_000);

describe('hashLineChunks on worker threads', () => {
  const directories: BundleDirectory[] = [];
  const fresh = async (): Promise<BundleDirectory> => {
    const dir = await writeBundleDirectory(sampleBundle('full'));
    directories.push(dir);
    return dir;
  };
  afterAll(async () => Promise.all(directories.map((d) => d.remove())));

  it('verifies a genuine bundle spread over many blocks and threads', async () => {
    const report = await verifyThrough(await fresh(), 2);
    expect(report.failures).toEqual([]);
    expect(report.counts).toMatchObject({ events: 150, treeRootsMatched: 6 });
  });

  it('fails on one altered byte in an event of a block hashed by a worker', async () => {
    const dir = await fresh();
    // Line 121 lies far past the first block; heads have sizes 16, 25, 65, 66, 99, 150.
    await editEventLine(dir, 120, (line) => line.replace('"ep-0"', '"ep-1"'));
    const report = await verifyThrough(dir, 2);
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([expect.objectContaining({ code: 'TREE_ROOT_MISMATCH', treeSize: 150 })]);
    expect(report).toEqual(await verifyThrough(dir, 0));
  });

  it('names the line of a malformed or non-canonical event in a worker’s block', async () => {
    const dir = await fresh();
    await editEventLine(dir, 100, (line) => line.replace('{"event":', '{"event": '));
    await editEventLine(dir, 130, (line) => line.slice(0, 40));
    const report = await verifyThrough(dir, 3);
    expect(report.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'EVENT_NOT_CANONICAL', leafIndex: 100, line: 101 }),
        expect.objectContaining({ code: 'EVENT_MALFORMED', line: 131 }),
      ]),
    );
    expect(report).toEqual(await verifyThrough(dir, 0));
  });
});
