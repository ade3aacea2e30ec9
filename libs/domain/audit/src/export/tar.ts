import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

const BLOCK = 512;

/**
 * A POSIX ustar archive of the regular files of `directory`, under `<prefix>/`, as a stream (the
 * files are read as they are sent). `tar -xf` unpacks it into the bundle directory the verifier reads.
 */
export function tarDirectory(directory: string, prefix: string, mtime = new Date()): Readable {
  return Readable.from(tarBlocks(directory, prefix, mtime));
}

async function* tarBlocks(directory: string, prefix: string, mtime: Date): AsyncGenerator<Buffer> {
  yield header(`${prefix}/`, 0, mtime, '5');
  for (const name of (await readdir(directory)).sort()) {
    const path = join(directory, name);
    const info = await stat(path);
    if (!info.isFile()) continue;
    yield header(`${prefix}/${name}`, info.size, mtime, '0');
    let written = 0;
    for await (const chunk of createReadStream(path)) {
      written += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (written !== info.size) throw new Error(`${path} changed while it was archived`);
    const padding = (BLOCK - (info.size % BLOCK)) % BLOCK;
    if (padding) yield Buffer.alloc(padding);
  }
  yield Buffer.alloc(2 * BLOCK);
}

export function header(name: string, size: number, mtime: Date, type: '0' | '5'): Buffer {
  const block = Buffer.alloc(BLOCK);
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new Error(`tar entry name too long: ${name}`);
  nameBytes.copy(block, 0);
  octal(block, 100, 8, type === '5' ? 0o755 : 0o644);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, Math.floor(mtime.getTime() / 1000));
  block.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  block.write(type, 156, 'ascii');
  block.write('ustar\u000000', 257, 'binary');
  block.write('ai-commons', 265, 'ascii');
  block.write('ai-commons', 297, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'binary');
  return block;
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > length - 1) throw new Error(`tar field too large: ${value}`);
  block.write(`${digits.padStart(length - 1, '0')}\u0000`, offset, 'ascii');
}
