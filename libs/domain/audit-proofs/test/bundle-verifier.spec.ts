import fc from 'fast-check';
import { AuditBundle, generateSigningKeyPair, privateKeyFromSeed, publicKeyOf, publicKeyToPem, verifyBundle, VerificationReport } from '../src';
import { eventLines, sampleBundle, sampleLog } from './audit-log-fixture';

const signingKey = privateKeyFromSeed(Buffer.alloc(32, 7));
const publicKey = publicKeyOf(signingKey);
const log = sampleLog(signingKey, [5, 40, 1, 64, 23, 23, 90]);

const codes = (report: VerificationReport): string[] => [...new Set(report.failures.map((f) => f.code))].sort();
const statusOf = (report: VerificationReport, id: string): string | undefined => report.checks.find((c) => c.id === id)?.status;
function withEvents(bundle: AuditBundle, edit: (lines: string[]) => string[]): AuditBundle {
  return { ...bundle, events: edit(eventLines(bundle)) };
}

describe('verifyBundle on genuine bundles', () => {
  it('accepts a full export of the whole log by recomputing every signed root', async () => {
    const report = await verifyBundle(sampleBundle(log, publicKey, { scope: 'full' }), publicKey);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.scope).toBe('full');
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['manifest', 'pass'],
      ['public-key', 'pass'],
      ['tree-head-signatures', 'pass'],
      ['tree-head-order', 'pass'],
      ['proofs-document', 'pass'],
      ['consistency', 'pass'],
      ['event-encoding', 'pass'],
      ['leaf-order', 'pass'],
      ['tree-root', 'pass'],
    ]);
    expect(report.counts).toEqual({
      events: 246,
      treeHeads: 7,
      signaturesVerified: 7,
      consistencyProofsVerified: 6,
      inclusionProofsVerified: 0,
      treeRootsMatched: 7,
    });
  });

  it('accepts a full export of a middle range through its range proof', async () => {
    const bundle = sampleBundle(log, publicKey, { scope: 'full', from: 13, to: 150 });
    const report = await verifyBundle(bundle, publicKey);
    expect(report.failures).toEqual([]);
    // Heads of sizes 45, 46, 110 and 133 lie inside [13, 150]; leaf 150's tree is proven a prefix of the latest head.
    expect(report.counts.treeRootsMatched).toBe(5);
  });

  it('accepts one institution’s filtered export through per-event inclusion proofs', async () => {
    const report = await verifyBundle(sampleBundle(log, publicKey, { scope: 'filtered', institution: 'shinhan' }), publicKey);
    expect(report.failures).toEqual([]);
    expect(report.scope).toBe('filtered');
    expect(report.institution).toBe('shinhan');
    expect(report.counts.inclusionProofsVerified).toBe(report.counts.events);
    expect(report.counts.events).toBeGreaterThan(50);
    expect(statusOf(report, 'inclusion')).toBe('pass');
  });

  it('reads events streamed as async batches', async () => {
    const bundle = sampleBundle(log, publicKey, { scope: 'full' });
    const lines = eventLines(bundle);
    async function* batches(): AsyncGenerator<readonly string[] | string> {
      for (let i = 0; i < lines.length; i += 50) yield lines.slice(i, i + 50);
    }
    expect((await verifyBundle({ ...bundle, events: batches() }, publicKey)).ok).toBe(true);
  });

  it('accepts an empty full export', async () => {
    const report = await verifyBundle(sampleBundle(log, publicKey, { scope: 'full', from: 10, to: 10 }), publicKey);
    expect(report.failures).toEqual([]);
  });

  it('only warns when the bundled public key is not the pinned one', async () => {
    const bundle = sampleBundle(log, publicKey, { scope: 'full' });
    const other = generateSigningKeyPair().publicKey;
    const report = await verifyBundle({ ...bundle, publicKeyPem: publicKeyToPem(other) }, publicKey);
    expect(report.ok).toBe(true);
    expect(report.warnings.map((w) => w.code)).toEqual(['PUBLIC_KEY_MISMATCH']);
    expect(statusOf(report, 'public-key')).toBe('warn');
    const missing = await verifyBundle({ ...bundle, publicKeyPem: null }, publicKey);
    expect(missing.warnings.map((w) => w.code)).toEqual(['PUBLIC_KEY_MISSING']);
  });
});

describe('verifyBundle on damaged bundles', () => {
  const full = sampleBundle(log, publicKey, { scope: 'full' });
  const filtered = sampleBundle(log, publicKey, { scope: 'filtered', institution: 'woori' });

  it('fails every signature when the pinned key is another key', async () => {
    const report = await verifyBundle(full, generateSigningKeyPair().publicKey);
    expect(report.ok).toBe(false);
    expect(codes(report)).toEqual(['TREE_HEAD_SIGNATURE_INVALID']);
    expect(report.failures).toHaveLength(7);
  });

  it('reports a manifest that disagrees with the contents', async () => {
    const manifest = full.manifest.replace('"eventCount": 246', '"eventCount": 245');
    expect(codes(await verifyBundle({ ...full, manifest }, publicKey))).toEqual(['MANIFEST_MISMATCH']);
  });

  it.each([
    ['truncated manifest.json', { manifest: '{"format":' }, 'MANIFEST_MALFORMED'],
    ['manifest of a future version', { manifest: full.manifest.replace('"formatVersion": 1', '"formatVersion": 2') }, 'MANIFEST_MALFORMED'],
    ['proofs.json that is not an object', { proofs: '[]' }, 'PROOFS_MALFORMED'],
    ['tree head line without fields', { treeHeads: ['{}'] }, 'TREE_HEAD_MALFORMED'],
    ['empty tree-heads.jsonl', { treeHeads: [] }, 'NO_TREE_HEADS'],
  ])('reports a %s', async (_name, damage, code) => {
    const report = await verifyBundle({ ...full, ...damage }, publicKey);
    expect(report.ok).toBe(false);
    expect(codes(report)).toContain(code);
  });

  it('never passes events it could not tie to a signed root', async () => {
    const withoutRange = full.proofs.replace(/"range":\{.*\}\}$/, '"range":null}');
    expect(withoutRange).not.toBe(full.proofs);
    const report = await verifyBundle({ ...full, proofs: withoutRange }, publicKey);
    expect(report.failures).toEqual([
      expect.objectContaining({ code: 'RANGE_PROOF_INVALID', message: '246 events could not be verified: the full bundle has no usable range proof' }),
    ]);
    const headless = await verifyBundle({ ...filtered, treeHeads: [] }, publicKey);
    expect(codes(headless)).toEqual(['INCLUSION_PROOF_MISSING', 'MANIFEST_MISMATCH', 'NO_TREE_HEADS']);
  });

  it('reports tree heads out of chronological order', async () => {
    const treeHeads = [...full.treeHeads];
    [treeHeads[2], treeHeads[3]] = [treeHeads[3]!, treeHeads[2]!];
    expect(codes(await verifyBundle({ ...full, treeHeads }, publicKey))).toContain('TREE_HEADS_OUT_OF_ORDER');
  });

  it('flags a re-formatted but otherwise unchanged event as non-canonical only', async () => {
    const report = await verifyBundle(
      withEvents(full, (lines) => lines.map((line, i) => (i === 3 ? line.replace('{"event":', '{ "event":') : line))),
      publicKey,
    );
    expect(codes(report)).toEqual(['EVENT_NOT_CANONICAL']);
    expect(report.failures[0]).toMatchObject({ leafIndex: 3, line: 4 });
  });

  it('caps the failure list and counts the rest', async () => {
    const tampered = withEvents(filtered, (lines) => lines.map((line) => line.replace('"kor-fin-llm-8b"', '"kor-fin-llm-9b"')));
    const report = await verifyBundle(tampered, publicKey, { maxReportedFailures: 5 });
    expect(report.failures).toHaveLength(5);
    expect(report.failures.length + report.suppressedFailureCount).toBe(report.counts.events);
    expect(report.checks.find((c) => c.id === 'inclusion')?.failureCount).toBe(report.counts.events);
  });

  it('detects any single changed byte in events.jsonl', async () => {
    const small = sampleLog(signingKey, [3, 9, 4]);
    const scenarios = fc.tuple(fc.constantFrom<'full' | 'filtered'>('full', 'filtered'), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }));
    await fc.assert(
      fc.asyncProperty(scenarios, async ([scope, lineChoice, byteChoice, xor]) => {
        const bundle = sampleBundle(small, publicKey, { scope, institution: 'kb-bank' });
        const lines = eventLines(bundle);
        const lineIndex = lineChoice % lines.length;
        const bytes = Buffer.from(lines[lineIndex]!, 'utf8');
        bytes[byteChoice % bytes.length]! ^= xor;
        const changed = bytes.toString('utf8');
        fc.pre(changed !== lines[lineIndex] && !changed.includes('\n'));
        const report = await verifyBundle({ ...bundle, events: lines.map((l, i) => (i === lineIndex ? changed : l)) }, publicKey);
        expect(report.ok).toBe(false);
      }),
      { numRuns: 120 },
    );
  });
});
