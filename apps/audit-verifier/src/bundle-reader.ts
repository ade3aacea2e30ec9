import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditBundle, BUNDLE_FILES } from '@ai-commons/audit-proofs';
import { hashLineChunks } from './leaf-hash-pool';
import { readLineChunks, splitLines } from './line-stream';

/** The bundle directory or one of its required files cannot be read. */
export class UnreadableBundleError extends Error {
  override readonly name = 'UnreadableBundleError';
}

/**
 * Opens a bundle directory for verification. The small files are read whole; events.jsonl, which
 * can hold millions of lines, is streamed while it is verified, its lines scanned and leaf-hashed on
 * `threads` worker threads (0: on this thread). public-key.pem and public-keys.json are optional: the
 * verifier relies on pinned keys anyway (they only yield warnings).
 */
export async function readBundleDirectory(dir: string, threads: number): Promise<AuditBundle> {
  const [manifest, treeHeads, proofs] = await Promise.all(
    [BUNDLE_FILES.manifest, BUNDLE_FILES.treeHeads, BUNDLE_FILES.proofs].map((name) => readRequired(dir, name)),
  );
  const eventsPath = join(dir, BUNDLE_FILES.events);
  await access(eventsPath).catch((error: NodeJS.ErrnoException) => {
    throw new UnreadableBundleError(`cannot read ${eventsPath}: ${error.code ?? error.message}`);
  });
  return {
    manifest: manifest!,
    treeHeads: splitLines(treeHeads!),
    proofs: proofs!,
    publicKeyPem: await readFile(join(dir, BUNDLE_FILES.publicKey), 'utf8').catch(() => null),
    publicKeysJson: await readFile(join(dir, BUNDLE_FILES.publicKeys), 'utf8').catch(() => null),
    events: hashLineChunks(readLineChunks(eventsPath), threads),
  };
}

async function readRequired(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UnreadableBundleError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
