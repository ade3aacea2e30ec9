import { open, type FileHandle } from 'node:fs/promises';

const FLUSH_AT = 1 << 20;

/** Appends text to a file through a 1 MiB buffer. */
export class BufferedFile {
  private chunks: string[] = [];
  private buffered = 0;

  private constructor(private readonly handle: FileHandle) {}

  static async create(path: string): Promise<BufferedFile> {
    return new BufferedFile(await open(path, 'w'));
  }

  readonly write = async (text: string): Promise<void> => {
    this.chunks.push(text);
    this.buffered += text.length;
    if (this.buffered >= FLUSH_AT) await this.flush();
  };

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }

  private async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.buffered = 0;
    await this.handle.write(text, null, 'utf8');
  }
}
