import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildBundle,
  canonicalJson,
  keyIdOf,
  privateKeyFromSeed,
  publicKeyOf,
  publicKeyToPem,
  publicKeyToRaw,
  SignedTreeHead,
  signTreeHead,
  VerificationReport,
} from '@ai-commons/audit-proofs';
import { parseArguments } from '../src/cli-arguments';
import { runVerifier } from '../src/run-verifier';
import { BundleDirectory, PUBLIC_KEY, sampleLog, writeBundleDirectory } from './bundle-directory';

// PUBLIC_KEY (the fixture's key) signed the first heads; then the log rotated to NEW_KEY.
const NEW_SIGNING_KEY = privateKeyFromSeed(Buffer.alloc(32, 43));
const NEW_KEY = publicKeyOf(NEW_SIGNING_KEY);
const HEADS_BEFORE_ROTATION = 2;

async function rotatedBundleDirectory(): Promise<BundleDirectory & { newKeyPath: string }> {
  const { log, heads } = sampleLog();
  const rotatedHeads = heads.map((head, i) =>
    i < HEADS_BEFORE_ROTATION ? head : signTreeHead({ treeSize: head.treeSize, timestamp: head.timestamp, rootHash: head.rootHash }, NEW_SIGNING_KEY),
  );
  const bundle = buildBundle({
    institution: null,
    scope: 'full',
    timeRange: { from: '2025-06-01T00:00:00.000Z', to: '2025-06-02T00:00:00.000Z' },
    createdAt: '2025-06-02T00:00:00.000Z',
    events: log.events,
    treeHeads: rotatedHeads,
    publicKey: NEW_KEY,
    signingPublicKeys: [PUBLIC_KEY, NEW_KEY],
    nodes: log.nodes,
  });
  const dir = await writeBundleDirectory(bundle);
  const newKeyPath = join(dir.root, 'new.pem');
  await writeFile(newKeyPath, publicKeyToPem(NEW_KEY));
  return { ...dir, newKeyPath };
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runVerifier(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('--public-key given several times (after a signing-key rotation)', () => {
  let dir: Awaited<ReturnType<typeof rotatedBundleDirectory>>;
  beforeAll(async () => {
    dir = await rotatedBundleDirectory();
  });
  afterAll(() => dir.remove());

  it('collects every pinned key; other options still may be given once', () => {
    expect(parseArguments(['--bundle', 'b', '--public-key', 'a.pem', '--public-key=b.pem'])).toMatchObject({
      kind: 'run',
      args: { publicKeyPaths: ['a.pem', 'b.pem'] },
    });
    expect(parseArguments(['--bundle', 'b', '--bundle', 'c', '--public-key', 'a.pem'])).toEqual({ kind: 'error', message: '--bundle given twice' });
    expect(parseArguments(['--bundle', 'b'])).toMatchObject({ kind: 'error', message: expect.stringContaining('--public-key is required') });
  });

  it('verifies a bundle signed by two keys with both pinned (PEM and raw base64), and lists both key ids', async () => {
    const rawNewKey = join(dir.root, 'new.b64');
    await writeFile(rawNewKey, publicKeyToRaw(NEW_KEY).toString('base64'));
    const run = await cli('--bundle', dir.bundleDir, '--public-key', dir.pinnedKeyPath, '--public-key', rawNewKey);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  pinned key id:    ${keyIdOf(PUBLIC_KEY)}\n                    ${keyIdOf(NEW_KEY)}\n`);
    expect(run.stdout).toContain('✔ Tree heads are signed by a pinned key');
    expect(run.stdout).toContain('6 of 6 tree heads verified');
    expect(run.stdout).toContain('5 of 5 consistency proofs verified');
    expect(run.stdout).toContain('VERIFIED');
  });

  it('fails with only the new key pinned, naming the old key id, though the bundle carries it', async () => {
    const run = await cli('--bundle', dir.bundleDir, '--public-key', dir.newKeyPath, '--json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as VerificationReport;
    expect(report.pinnedKeyIds).toEqual([keyIdOf(NEW_KEY)]);
    expect(report.failures.map((f) => [f.code, f.line])).toEqual([
      ['TREE_HEAD_SIGNATURE_INVALID', 1],
      ['TREE_HEAD_SIGNATURE_INVALID', 2],
    ]);
    expect(report.failures[0]!.message).toContain(`is signed by key ${keyIdOf(PUBLIC_KEY)}, which is not pinned`);
  });

  it('fails when a head’s keyId is swapped to the other pinned key', async () => {
    const swapped = await rotatedBundleDirectory();
    try {
      const headsPath = join(swapped.bundleDir, 'tree-heads.jsonl');
      const lines = (await readFile(headsPath, 'utf8')).trimEnd().split('\n');
      const edited = lines.map((line, i) => (i === 0 ? canonicalJson({ ...(JSON.parse(line) as SignedTreeHead), keyId: keyIdOf(NEW_KEY) }) : line));
      await writeFile(headsPath, `${edited.join('\n')}\n`);
      const run = await cli('--bundle', swapped.bundleDir, '--public-key', swapped.pinnedKeyPath, '--public-key', swapped.newKeyPath, '--json');
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as VerificationReport;
      expect(report.failures).toEqual([expect.objectContaining({ code: 'TREE_HEAD_SIGNATURE_INVALID', line: 1 })]);
    } finally {
      await swapped.remove();
    }
  });
});
