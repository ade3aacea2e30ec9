import { readFile } from 'node:fs/promises';
import { KeyObject } from 'node:crypto';
import { importPublicKey, isAuditProofError, verifyBundle } from '@ai-commons/audit-proofs';
import { readBundleDirectory, UnreadableBundleError } from './bundle-reader';
import { parseArguments, USAGE } from './cli-arguments';
import { EXIT_USAGE_OR_UNREADABLE, EXIT_VERIFICATION_FAILED, EXIT_VERIFIED } from './exit-codes';
import { formatReport } from './report-text';

export interface VerifierIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The whole CLI behind main.ts: parse arguments, read the pinned keys and bundle, verify, report. */
export async function runVerifier(argv: readonly string[], io: VerifierIo): Promise<number> {
  const parsed = parseArguments(argv);
  if (parsed.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return EXIT_VERIFIED;
  }
  if (parsed.kind === 'error') {
    io.stderr(`audit-verifier: ${parsed.message}\n\n${USAGE}\n`);
    return EXIT_USAGE_OR_UNREADABLE;
  }
  const { bundleDir, publicKeyPaths, json, threads } = parsed.args;
  try {
    const pinnedKeys = await Promise.all(publicKeyPaths.map(readPinnedKey));
    const report = await verifyBundle(await readBundleDirectory(bundleDir, threads), pinnedKeys);
    io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, bundleDir));
    return report.ok ? EXIT_VERIFIED : EXIT_VERIFICATION_FAILED;
  } catch (error) {
    if (!(error instanceof UnreadableBundleError || isIoError(error))) throw error;
    io.stderr(`audit-verifier: ${error.message}\n`);
    return EXIT_USAGE_OR_UNREADABLE;
  }
}

async function readPinnedKey(path: string): Promise<KeyObject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UnreadableBundleError(`cannot read pinned public key ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return importPublicKey(text);
  } catch (error) {
    if (isAuditProofError(error)) throw new UnreadableBundleError(`pinned public key ${path} is not an Ed25519 public key: ${error.message}`);
    throw error;
  }
}

/** A file system error while streaming events.jsonl. */
function isIoError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'syscall' in error;
}
