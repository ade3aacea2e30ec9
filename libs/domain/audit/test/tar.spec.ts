import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { promisify } from 'node:util';
import { header, tarDirectory } from '../src/export/tar';

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

  it('writes valid ustar header checksums', () => {
    const block = header('audit-bundle/manifest.json', 1234, new Date(0), '0');
    const stored = parseInt(block.subarray(148, 154).toString('ascii'), 8);
    const copy = Buffer.from(block);
    copy.fill(0x20, 148, 156);
    expect(stored).toBe(copy.reduce((sum, byte) => sum + byte, 0));
    expect(block.subarray(257, 263).toString('binary')).toBe('ustar\u0000');
    expect(() => header('x'.repeat(101), 0, new Date(0), '0')).toThrow(/too long/);
  });
});
