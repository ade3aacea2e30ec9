import { extname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ChunkLeaves } from '@ai-commons/audit-proofs';

interface Request {
  readonly resolve: (leaves: ChunkLeaves) => void;
  readonly reject: (error: Error) => void;
}

/** One worker thread running leaf-hash-worker.ts; it answers requests in the order they were sent. */
export class LeafHashThread {
  private readonly worker: Worker;
  private readonly pending: Request[] = [];
  private failure: Error | null = null;

  constructor() {
    this.worker = startWorker();
    this.worker.on('message', (leaves: ChunkLeaves) => this.pending.shift()?.resolve(leaves));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`leaf hash worker exited with code ${code}`)));
  }

  hash(bytes: Uint8Array): Promise<ChunkLeaves> {
    return new Promise<ChunkLeaves>((resolve, reject) => {
      if (this.failure !== null) return reject(this.failure);
      this.pending.push({ resolve, reject });
      this.worker.postMessage(bytes);
    });
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error('leaf hash worker terminated');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const request of this.pending.splice(0)) request.reject(this.failure);
  }
}

/**
 * Compiled (dist/) the worker is a .js file next to this one. Run from the TypeScript sources (tests,
 * benchmarks: tools/register-ts.cjs or jest) it is a .ts file, and a worker thread does not inherit
 * jest's transform, so it gets the repository's require hook for TypeScript and the import aliases.
 */
function startWorker(): Worker {
  const extension = extname(__filename);
  const script = join(__dirname, `leaf-hash-worker${extension}`);
  if (extension !== '.ts') return new Worker(script);
  const registerTs = resolve(__dirname, '../../../tools/register-ts.cjs');
  // Only the hook: per-process flags of the parent (e.g. --max-old-space-size) are refused in a worker.
  return new Worker(script, { execArgv: ['--require', registerTs] });
}
