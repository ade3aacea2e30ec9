import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack, type Header, type Pack } from 'tar-stream';

/** The header fields a bundle entry sets; `pax` holds the extended records tar-stream writes before it. */
export type EntryHeader = Pick<Header, 'name' | 'size' | 'mtime' | 'type' | 'mode' | 'uid' | 'gid' | 'uname' | 'gname'> & {
  readonly pax?: Readonly<Record<string, string>>;
};

/** The largest size a ustar header's 11 octal digits hold (8 GiB - 1); larger entries get a pax `size` record. */
export const USTAR_MAX_SIZE = 8 ** 11 - 1;

/**
 * A tar archive of the regular files of `directory`, under `<prefix>/`, as a stream (the files are
 * read as they are sent, with back-pressure). Written by `tar-stream`: ustar headers, plus a pax
 * extended header for an entry over 8 GiB (a whole-log events.jsonl can be), so no size is capped.
 * `tar -xf` unpacks it into the bundle directory the verifier reads.
 */
export function tarDirectory(directory: string, prefix: string, mtime = new Date()): Readable {
  const archive = pack();
  void writeEntries(archive, directory, prefix, mtime).then(
    () => archive.finalize(),
    (error: Error) => archive.destroy(error),
  );
  // tar-stream speaks streamx; the HTTP layer pipes a Node stream (async iteration keeps back-pressure).
  return Readable.from(archive);
}

/** The header of one bundle entry: fixed owner and modes (reproducible), pax size beyond ustar's range. */
export function entryHeader(name: string, size: number, mtime: Date, type: 'file' | 'directory'): EntryHeader {
  return {
    name,
    size,
    mtime,
    type,
    mode: type === 'directory' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    uname: 'ai-commons',
    gname: 'ai-commons',
    ...(size > USTAR_MAX_SIZE ? { pax: { size: String(size) } } : {}),
  };
}

async function writeEntries(archive: Pack, directory: string, prefix: string, mtime: Date): Promise<void> {
  archive.entry(entryHeader(`${prefix}/`, 0, mtime, 'directory'));
  for (const name of (await readdir(directory)).sort()) {
    const path = join(directory, name);
    const info = await stat(path);
    if (!info.isFile()) continue;
    const entry = archive.entry(entryHeader(`${prefix}/${name}`, info.size, mtime, 'file'));
    // A file that grew would overrun its declared size and corrupt the archive: refuse it instead
    // (tar-stream itself reports a file that shrank, as "Size mismatch").
    await pipeline(createReadStream(path), exactly(info.size, path), entry);
  }
}

function exactly(size: number, path: string) {
  return async function* (chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let written = 0;
    for await (const chunk of chunks) {
      written += chunk.length;
      if (written > size) throw new Error(`${path} changed while it was archived`);
      yield chunk;
    }
    if (written !== size) throw new Error(`${path} changed while it was archived`);
  };
}
