import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BUNDLE_FILES,
  BundleProofs,
  canonicalJson,
  createTreeHead,
  generateSigningKeyPair,
  inclusionProofFromNodeLookup,
  keyIdOf,
  parseProofs,
  publicKeyToPem,
  publicKeyToRaw,
  serializeProofs,
  SignedTreeHead,
  signTreeHead,
  toHex,
  VerificationReport,
} from '@ai-commons/audit-proofs';
import { runVerifier } from '../src/run-verifier';
import { BundleDirectory, PUBLIC_KEY, sampleBundle, sampleLog, writeBundleDirectory } from './bundle-directory';

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runVerifier(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

async function verifyJson(dir: BundleDirectory): Promise<{ code: number; report: VerificationReport }> {
  const run = await cli('--bundle', dir.bundleDir, '--public-key', dir.pinnedKeyPath, '--json');
  return { code: run.code, report: JSON.parse(run.stdout) as VerificationReport };
}

const failureCodes = (report: VerificationReport): string[] => [...new Set(report.failures.map((f) => f.code))].sort();

async function editFile(dir: BundleDirectory, name: string, edit: (text: string) => string): Promise<void> {
  const path = join(dir.bundleDir, name);
  await writeFile(path, edit(await readFile(path, 'utf8')));
}

async function editLines(dir: BundleDirectory, name: string, edit: (lines: string[]) => string[]): Promise<void> {
  await editFile(dir, name, (text) => `${edit(text.split('\n').filter((l) => l !== '')).join('\n')}\n`);
}

// Each CLI run starts worker threads that compile the TypeScript sources first: slow on a loaded 2-core machine.
jest.setTimeout(60_000);

describe('audit-verifier CLI', () => {
  const directories: BundleDirectory[] = [];
  const fresh = async (scope: 'full' | 'filtered' = 'full'): Promise<BundleDirectory> => {
    const dir = await writeBundleDirectory(sampleBundle(scope, scope === 'filtered' ? 'shinhan' : undefined));
    directories.push(dir);
    return dir;
  };
  afterAll(async () => Promise.all(directories.map((d) => d.remove())));

  describe('on genuine bundles', () => {
    it('verifies a full export and prints each check', async () => {
      const dir = await fresh();
      const run = await cli('--bundle', dir.bundleDir, '--public-key', dir.pinnedKeyPath);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('✔ Tree heads are signed by a pinned key');
      expect(run.stdout).toContain('✔ Events recompute the signed tree roots');
      expect(run.stdout).toMatch(/VERIFIED: 150 events, 6 signed tree heads/);
      expect(run.stdout).not.toContain('✘');
    });

    it('verifies a filtered export and reports JSON', async () => {
      const { code, report } = await verifyJson(await fresh('filtered'));
      expect(code).toBe(0);
      expect(report.ok).toBe(true);
      expect(report.institution).toBe('shinhan');
      expect(report.counts.inclusionProofsVerified).toBe(report.counts.events);
      expect(report.pinnedKeyId).toBe(keyIdOf(PUBLIC_KEY));
    });

    it('accepts a pinned key given as raw base64 and a bundle without public-key.pem', async () => {
      const dir = await fresh();
      await rm(join(dir.bundleDir, BUNDLE_FILES.publicKey));
      const rawKeyPath = join(dir.root, 'pinned.b64');
      await writeFile(rawKeyPath, `${publicKeyToRaw(PUBLIC_KEY).toString('base64')}\n`);
      const run = await cli('--bundle', dir.bundleDir, '--public-key', rawKeyPath, '--json');
      const report = JSON.parse(run.stdout) as VerificationReport;
      expect(run.code).toBe(0);
      expect(report.warnings.map((w) => w.code)).toEqual(['PUBLIC_KEY_MISSING']);
    });
  });

  describe('on tampered bundles', () => {
    it('detects an edited byte in an event of a full export', async () => {
      const dir = await fresh();
      await editLines(dir, BUNDLE_FILES.events, (lines) => lines.map((l, i) => (i === 70 ? l.replace('"ep-0"', '"ep-9"') : l)));
      const { code, report } = await verifyJson(dir);
      expect(code).toBe(1);
      expect(failureCodes(report)).toEqual(['TREE_ROOT_MISMATCH']);
      // Heads have sizes 16, 25, 65, 66, 99, 150: roots diverge from the first head covering leaf 70.
      expect(report.failures.map((f) => f.treeSize)).toEqual([99, 150]);
      expect(report.counts.treeRootsMatched).toBe(4);
    });

    it('names the leaf whose event was edited in a filtered export', async () => {
      const dir = await fresh('filtered');
      let edited = -1;
      await editLines(dir, BUNDLE_FILES.events, (lines) =>
        lines.map((l, i) => {
          if (i !== 5) return l;
          edited = (JSON.parse(l) as { leafIndex: number }).leafIndex;
          return l.replace('"quota.check"', '"quota.chuck"').replace('"model.invoke"', '"model.invoka"');
        }),
      );
      const { code, report } = await verifyJson(dir);
      expect(code).toBe(1);
      expect(report.failures).toEqual([expect.objectContaining({ code: 'INCLUSION_PROOF_INVALID', leafIndex: edited, line: 6 })]);
    });

    it('detects a deleted event in a full export as a gap', async () => {
      const dir = await fresh();
      await editLines(dir, BUNDLE_FILES.events, (lines) => lines.filter((_, i) => i !== 40));
      const { code, report } = await verifyJson(dir);
      expect(code).toBe(1);
      expect(failureCodes(report)).toContain('LEAF_INDEX_GAP');
      expect(report.failures.find((f) => f.code === 'LEAF_INDEX_GAP')).toMatchObject({ leafIndex: 41 });
    });

    it('detects a deleted event in a filtered export through its orphaned proof', async () => {
      const dir = await fresh('filtered');
      let deleted = -1;
      await editLines(dir, BUNDLE_FILES.events, (lines) =>
        lines.filter((l, i) => (i === 3 ? ((deleted = (JSON.parse(l) as { leafIndex: number }).leafIndex), false) : true)),
      );
      const { report } = await verifyJson(dir);
      expect(failureCodes(report)).toEqual(['EVENT_MISSING', 'MANIFEST_MISMATCH']);
      expect(report.failures.find((f) => f.code === 'EVENT_MISSING')).toMatchObject({ leafIndex: deleted });
    });

    it('detects two reordered events', async () => {
      const dir = await fresh();
      await editLines(dir, BUNDLE_FILES.events, (lines) => {
        [lines[10], lines[11]] = [lines[11]!, lines[10]!];
        return lines;
      });
      const { code, report } = await verifyJson(dir);
      expect(code).toBe(1);
      expect(failureCodes(report)).toContain('LEAF_INDEX_NOT_INCREASING');
    });

    it('detects a forged event without a proof in a filtered export', async () => {
      const dir = await fresh('filtered');
      const forged = canonicalJson({ event: { id: 'evt-forged', institution: 'shinhan', action: 'model.invoke' }, leafIndex: 2 });
      await editLines(dir, BUNDLE_FILES.events, (lines) => [forged, ...lines]);
      const { code, report } = await verifyJson(dir);
      expect(code).toBe(1);
      expect(report.failures).toContainEqual(expect.objectContaining({ code: 'INCLUSION_PROOF_MISSING', leafIndex: 2 }));
    });

    it('detects a forged event given the genuine proof of its leaf index', async () => {
      const dir = await fresh('filtered');
      // Leaf 2 belongs to another institution; splice in its genuine proof, as an insider could obtain it.
      const { log } = sampleLog();
      const proofForLeaf2 = inclusionProofFromNodeLookup(2, log.treeSize, log.nodes).map(toHex);
      await editFile(dir, BUNDLE_FILES.proofs, (text) => {
        const proofs = parseProofs(text);
        return serializeProofs({
          ...proofs,
          inclusion: [{ leafIndex: 2, proof: proofForLeaf2 }, ...proofs.inclusion].sort((a, b) => a.leafIndex - b.leafIndex),
        });
      });
      const forged = canonicalJson({ event: { id: 'evt-forged', institution: 'shinhan', action: 'model.invoke' }, leafIndex: 2 });
      const leafOf = (line: string): number => (JSON.parse(line) as { leafIndex: number }).leafIndex;
      await editLines(dir, BUNDLE_FILES.events, (lines) => [forged, ...lines].sort((a, b) => leafOf(a) - leafOf(b)));
      const { report } = await verifyJson(dir);
      expect(report.failures).toEqual([
        expect.objectContaining({ code: 'INCLUSION_PROOF_INVALID', leafIndex: 2, line: 2 }),
        expect.objectContaining({ code: 'MANIFEST_MISMATCH', message: 'manifest eventCount is 38 but the bundle has 39' }),
      ]);
    });

    it('detects a forged event appended to a full export', async () => {
      const dir = await fresh();
      const forged = canonicalJson({ event: { id: 'evt-forged', institution: 'kb-bank' }, leafIndex: 150 });
      await editLines(dir, BUNDLE_FILES.events, (lines) => [...lines, forged]);
      const { report } = await verifyJson(dir);
      expect(failureCodes(report)).toEqual(expect.arrayContaining(['LEAF_INDEX_OUT_OF_RANGE', 'RANGE_PROOF_INVALID']));
    });

    it('detects a tree head replaced by one signed with another key', async () => {
      const dir = await fresh();
      const forger = generateSigningKeyPair();
      await editLines(dir, BUNDLE_FILES.treeHeads, (lines) =>
        lines.map((line, i) => {
          if (i !== 2) return line;
          const head = JSON.parse(line) as SignedTreeHead;
          const forged = signTreeHead(createTreeHead(head.treeSize, Buffer.alloc(32, 0xee), new Date(head.timestamp)), forger.privateKey);
          return canonicalJson(forged);
        }),
      );
      const { code, report } = await verifyJson(dir);
      expect(code).toBe(1);
      expect(report.failures).toContainEqual(expect.objectContaining({ code: 'TREE_HEAD_SIGNATURE_INVALID', treeSize: 65, line: 3 }));
    });

    it('trusts the pinned key, not a public-key.pem swapped together with re-signed heads', async () => {
      const dir = await fresh();
      const forger = generateSigningKeyPair();
      await editFile(dir, BUNDLE_FILES.publicKey, () => publicKeyToPem(forger.publicKey));
      await editLines(dir, BUNDLE_FILES.treeHeads, (lines) =>
        lines.map((line) => {
          const head = JSON.parse(line) as SignedTreeHead;
          return canonicalJson(signTreeHead({ treeSize: head.treeSize, timestamp: head.timestamp, rootHash: head.rootHash }, forger.privateKey));
        }),
      );
      const { code, report } = await verifyJson(dir);
      expect(code).toBe(1);
      expect(failureCodes(report)).toEqual(['TREE_HEAD_SIGNATURE_INVALID']);
      expect(report.warnings.map((w) => w.code)).toContain('PUBLIC_KEY_MISMATCH');
    });

    it('detects a dropped consistency proof', async () => {
      const dir = await fresh();
      await editFile(dir, BUNDLE_FILES.proofs, (text) => {
        const proofs = JSON.parse(text) as BundleProofs;
        return JSON.stringify({ ...proofs, consistency: proofs.consistency.filter((c) => c.toSize !== 66) });
      });
      const { code, report } = await verifyJson(dir);
      expect(code).toBe(1);
      expect(report.failures).toEqual([expect.objectContaining({ code: 'CONSISTENCY_PROOF_MISSING', treeSize: 66 })]);
    });

    it('reports the same with worker threads as on the main thread alone', async () => {
      const dir = await fresh('filtered');
      await editLines(dir, BUNDLE_FILES.events, (lines) =>
        lines.map((l, i) => (i === 7 ? l.replace('"model.invoke"', '"model.invoka"') : i === 9 ? l.replace('{"event":', '{ "event":') : l)),
      );
      const runs = await Promise.all(
        ['0', '1', '3'].map((threads) => cli('--bundle', dir.bundleDir, '--public-key', dir.pinnedKeyPath, '--json', '--threads', threads)),
      );
      const reports = runs.map((run) => ({ code: run.code, report: { ...(JSON.parse(run.stdout) as VerificationReport), durationMs: 0 } }));
      expect(reports[0]!.code).toBe(1);
      expect(reports[0]!.report.failures).toContainEqual(expect.objectContaining({ code: 'EVENT_NOT_CANONICAL', line: 10 }));
      expect(reports[1]).toEqual(reports[0]);
      expect(reports[2]).toEqual(reports[0]);
    });

    it('prints failed checks with their failures in the text report', async () => {
      const dir = await fresh();
      await editLines(dir, BUNDLE_FILES.events, (lines) => lines.filter((_, i) => i !== 40));
      const run = await cli('--bundle', dir.bundleDir, '--public-key', dir.pinnedKeyPath);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('✘ Leaf indexes strictly increase');
      expect(run.stdout).toContain('✘ LEAF_INDEX_GAP: leaf 40 is missing from a full export');
      expect(run.stdout).toMatch(/FAILED: \d+ problems in \d+ checks/);
    });
  });

  describe('usage and unreadable input', () => {
    it('prints help', async () => {
      const run = await cli('--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage: audit-verifier --bundle <dir> --public-key <pinned.pem> [--public-key <retired.pem> …] [--json]');
    });

    it.each([
      [[], '--bundle is required'],
      [['--bundle', 'x'], '--public-key is required'],
      [['--bundle'], '--bundle needs a value'],
      [['--bundle', 'x', '--public-key', 'k', '--verbose'], 'unknown argument "--verbose"'],
      [['--bundle=x', '--bundle=y', '--public-key=k'], '--bundle given twice'],
      [['--bundle', 'x', '--public-key', 'k', '--threads', 'two'], '--threads must be an integer from 0 to 256'],
      [['--bundle', 'x', '--public-key', 'k', '--threads=1.5'], '--threads must be an integer from 0 to 256'],
      [['--bundle', 'x', '--public-key', 'k', '--threads', '257'], '--threads must be an integer from 0 to 256'],
    ])('rejects %j', async (argv, message) => {
      const run = await cli(...argv);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe('');
    });

    it('exits 2 when the bundle directory or a required file is missing', async () => {
      const dir = await fresh();
      expect((await cli('--bundle', join(dir.root, 'nope'), '--public-key', dir.pinnedKeyPath)).code).toBe(2);
      await rm(join(dir.bundleDir, BUNDLE_FILES.events));
      const run = await cli(`--bundle=${dir.bundleDir}`, `--public-key=${dir.pinnedKeyPath}`);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('events.jsonl');
    });

    it('exits 2 when the pinned key is missing or not an Ed25519 key', async () => {
      const dir = await fresh();
      expect((await cli('--bundle', dir.bundleDir, '--public-key', join(dir.root, 'missing.pem'))).code).toBe(2);
      await writeFile(dir.pinnedKeyPath, 'not a key');
      const run = await cli('--bundle', dir.bundleDir, '--public-key', dir.pinnedKeyPath);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('pinned public key');
    });
  });
});
