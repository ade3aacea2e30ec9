import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { promisify } from 'node:util';
import { pack } from 'tar-stream';
import { entryHeader, tarDirectory, USTAR_MAX_SIZE, type EntryHeader } from '../src/export/tar';

const run = promisify(execFile);

describe('tarDirectory', () => {
  let work: string;
  beforeEach(async () => (work = await mkdtemp(join(tmpdir(), 'audit-tar-'))));
  afterEach(() => rm(work, { recursive: true, force: true }));

  it('produces an archive the system tar lists and unpacks byte for byte', async () => {
    const source = join(work, 'source');
    await mkdir(source);
    const files: Record<string, Buffer> = {
      'manifest.json': Buffer.from('{"a":1}\n'),
      'empty.jsonl': Buffer.alloc(0),
      'block.bin': Buffer.alloc(512, 7),
      'events.jsonl': Buffer.from('한글 ✓ '.repeat(5_000)),
    };
    for (const [name, content] of Object.entries(files)) await writeFile(join(source, name), content);
    const archive = join(work, 'bundle.tar');
    await pipeline(tarDirectory(source, 'audit-bundle', new Date('2025-03-01T00:00:00Z')), createWriteStream(archive));

    const listing = (await run('tar', ['-tf', archive])).stdout.trim().split('\n').sort();
    expect(listing).toEqual(['audit-bundle/', ...Object.keys(files).map((name) => `audit-bundle/${name}`)].sort());
    const out = join(work, 'out');
    await mkdir(out);
    await run('tar', ['-xf', archive, '-C', out]);
    for (const [name, content] of Object.entries(files)) expect((await readFile(join(out, 'audit-bundle', name))).equals(content)).toBe(true);
  });

  it('refuses a file that grows while it is archived instead of overrunning its declared size', async () => {
    const source = join(work, 'source');
    await mkdir(source);
    const events = join(source, 'events.jsonl');
    await writeFile(events, Buffer.alloc(8 << 20, 1)); // larger than every buffer on the way: not yet read whole
    const chunks = tarDirectory(source, 'audit-bundle')[Symbol.asyncIterator]();
    let seen = 0;
    while (seen < 2 * 512 + 1) seen += ((await chunks.next()).value as Buffer).length; // past both headers: stat done
    await appendFile(events, Buffer.alloc(1 << 20, 2));
    await expect(
      (async () => {
        for (let next = await chunks.next(); !next.done; next = await chunks.next());
      })(),
    ).rejects.toThrow(/changed while it was archived/);
  });

  it('gives an entry over 8 GiB a pax size record and a valid header (no 8 GiB cap)', async () => {
    const size = 8 ** 11 + 12_345; // one past what ustar's 11 octal digits hold, and then some
    expect(size).toBeGreaterThan(USTAR_MAX_SIZE);
    const bytes = await headerBytes(entryHeader('audit-bundle/events.jsonl', size, new Date('2025-03-01T00:00:00Z'), 'file'));

    // pax extended header block ('x'), its records, then the ustar header of the entry itself.
    expect(bytes[156]).toBe('x'.charCodeAt(0));
    expect(validChecksum(bytes.subarray(0, 512))).toBe(true);
    const records = bytes.subarray(512, 1024).toString('utf8');
    expect(records).toContain(`size=${size}\n`);
    expect(records).toContain('path=audit-bundle/events.jsonl\n');
    const entry = bytes.subarray(1024, 1536);
    expect(entry[156]).toBe('0'.charCodeAt(0));
    expect(validChecksum(entry)).toBe(true);

    // An independent reader (GNU/bsd tar) lists the entry with its full size from the headers alone.
    const archive = join(work, 'headers-only.tar');
    await writeFile(archive, bytes);
    const listing = await run('tar', ['-tvf', archive]).then(
      (result) => result.stdout,
      (error: { stdout: string }) => error.stdout, // the 8 GiB body is absent: tar complains after listing
    );
    expect(listing).toMatch(new RegExp(`\\b${size}\\b.*audit-bundle/events\\.jsonl`));
  });

  it('writes plain ustar headers, no pax, up to the ustar limit', async () => {
    const bytes = await headerBytes(entryHeader('audit-bundle/events.jsonl', USTAR_MAX_SIZE, new Date(0), 'file'));
    expect(bytes.length).toBe(512);
    expect(bytes[156]).toBe('0'.charCodeAt(0));
    expect(validChecksum(bytes)).toBe(true);
    expect(bytes.subarray(257, 263).toString('binary')).toBe('ustar\u0000');
    expect(parseInt(bytes.subarray(124, 135).toString('ascii'), 8)).toBe(USTAR_MAX_SIZE);
  });
});

/** The bytes tar-stream emits for `header` before any body: every header block of the entry. */
async function headerBytes(header: EntryHeader): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk) => void chunks.push(chunk as Buffer));
  const entry = archive.entry(header);
  await new Promise((resolve) => setImmediate(resolve));
  // No body follows: abandon the entry (its "destroyed" errors are expected).
  archive.on('error', () => undefined);
  entry.on('error', () => undefined);
  entry.destroy();
  archive.destroy();
  return Buffer.concat(chunks);
}

function validChecksum(block: Buffer): boolean {
  const stored = parseInt(block.subarray(148, 156).toString('ascii'), 8);
  const copy = Buffer.from(block);
  copy.fill(0x20, 148, 156);
  return stored === copy.reduce((sum, byte) => sum + byte, 0);
}
