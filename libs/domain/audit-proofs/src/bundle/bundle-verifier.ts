import { KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isAuditProofError } from '../errors';
import { PinnedKeys, pinKeys } from '../tree-head/pinned-keys';
import { AuditBundle, EventLine, EventLineSource } from './audit-bundle';
import { HashedEventChunk } from './hashed-event-chunk';
import { BundleManifest, BundleScope, parseManifest } from './bundle-manifest';
import { checkBundledKeys } from './bundled-key-checks';
import { BundleProofs, parseProofs } from './bundle-proofs';
import { EventStreamChecker, EventStreamSummary } from './event-stream-checks';
import { FailureCollector } from './failure-collector';
import { checkConsistencyChain, checkTreeHeads, CheckedTreeHead } from './tree-head-checks';
import { VerificationReport } from './verification-report';
import { describeChecks } from './check-summaries';

export interface VerifyBundleOptions {
  /** Failures listed in the report; further ones are only counted. Default 100. */
  readonly maxReportedFailures?: number;
}

/**
 * Verifies an export bundle offline against pinned Ed25519 public keys (never the bundle's own keys).
 * Each tree head must be signed by the pinned key its keyId names: after a key rotation, pin the
 * retired keys too. Consistency between heads does not depend on the keys, so it is checked across
 * a rotation exactly as between two heads of one key.
 *
 * Full bundles (a gap-free leaf range) are checked by recomputing the tree from the events and
 * comparing with the signed roots — about one hash per event. Filtered bundles (one institution's
 * events, with global leaf indexes) are checked event by event with inclusion proofs against the
 * latest signed head. Either way every signed head is checked and each one must extend the previous.
 */
export async function verifyBundle(
  bundle: AuditBundle,
  pinnedKeys: KeyObject | readonly KeyObject[],
  options: VerifyBundleOptions = {},
): Promise<VerificationReport> {
  const started = performance.now();
  const collector = new FailureCollector(options.maxReportedFailures ?? 100);
  const pinned: PinnedKeys = pinKeys(pinnedKeys);
  const pinnedKeyIds = [...pinned.keys()];

  const manifest = parseOrFail(
    () => parseManifest(bundle.manifest),
    (message) => collector.fail('MANIFEST_MALFORMED', message),
  );
  const proofs = parseOrFail(
    () => parseProofs(bundle.proofs),
    (message) => collector.fail('PROOFS_MALFORMED', message),
  );
  const scope: BundleScope = manifest?.scope ?? (proofs?.range ? 'full' : 'filtered');
  checkBundledKeys({ publicKeyPem: bundle.publicKeyPem, publicKeysJson: bundle.publicKeysJson ?? null }, manifest, pinned, collector);

  const heads = checkTreeHeads(bundle.treeHeads, pinned, collector);
  const latest = heads[heads.length - 1];
  if (proofs !== null) checkProofsShape(proofs, scope, latest, collector);
  const consistencyProofsVerified = proofs === null ? 0 : checkConsistencyChain(heads, proofs, collector);

  const events = new EventStreamChecker(scope, heads, proofs, collector);
  await feedEvents(bundle.events, events);
  const summary = events.finish();
  if (manifest !== null) checkManifestAgainstContents(manifest, summary, bundle.treeHeads.length, latest, collector);

  const checks = describeChecks(scope, collector, heads, summary, consistencyProofsVerified, pinnedKeyIds);
  return {
    ok: !collector.hasFailures,
    scope,
    institution: manifest?.institution ?? null,
    pinnedKeyId: pinnedKeyIds[0]!,
    pinnedKeyIds,
    latestTreeSize: latest?.head.treeSize ?? null,
    checks,
    failures: collector.failures,
    suppressedFailureCount: collector.suppressedFailureCount,
    warnings: collector.warnings,
    counts: {
      events: summary.events,
      treeHeads: bundle.treeHeads.length,
      signaturesVerified: heads.filter((h) => h.signatureValid).length,
      consistencyProofsVerified,
      inclusionProofsVerified: summary.inclusionProofsVerified,
      treeRootsMatched: summary.treeRootsMatched,
    },
    durationMs: performance.now() - started,
  };
}

async function feedEvents(source: EventLineSource, events: EventStreamChecker): Promise<void> {
  if (Symbol.asyncIterator in source) {
    for await (const item of source) {
      if (typeof item === 'string' || item instanceof Uint8Array) events.accept(item);
      else if (isHashedChunk(item)) events.acceptChunk(item);
      else for (const line of item) events.accept(line);
    }
  } else {
    for (const line of source) events.accept(line);
  }
}

function isHashedChunk(item: readonly EventLine[] | HashedEventChunk): item is HashedEventChunk {
  return !Array.isArray(item);
}

function parseOrFail<T>(parse: () => T, fail: (message: string) => void): T | null {
  try {
    return parse();
  } catch (error) {
    if (!isAuditProofError(error)) throw error;
    fail(error.message);
    return null;
  }
}

function checkProofsShape(proofs: BundleProofs, scope: BundleScope, latest: CheckedTreeHead | undefined, collector: FailureCollector): void {
  if (latest !== undefined && proofs.treeSize !== latest.head.treeSize) {
    collector.fail('PROOFS_MALFORMED', `proofs.json refers to tree size ${proofs.treeSize}, but the latest tree head has size ${latest.head.treeSize}`);
  }
  if (scope === 'full' && proofs.inclusion.length > 0) collector.fail('PROOFS_MALFORMED', 'a full bundle carries a range proof, not inclusion proofs');
  if (scope === 'filtered' && proofs.range !== null) collector.fail('PROOFS_MALFORMED', 'a filtered bundle carries inclusion proofs, not a range proof');
}

function checkManifestAgainstContents(
  manifest: BundleManifest,
  summary: EventStreamSummary,
  treeHeadCount: number,
  latest: CheckedTreeHead | undefined,
  collector: FailureCollector,
): void {
  const expectations: [string, unknown, unknown][] = [
    ['eventCount', manifest.eventCount, summary.events],
    ['treeHeadCount', manifest.treeHeadCount, treeHeadCount],
    ['firstLeafIndex', manifest.firstLeafIndex, summary.firstLeafIndex],
    ['lastLeafIndex', manifest.lastLeafIndex, summary.lastLeafIndex],
    ['latestTreeSize', manifest.latestTreeSize, latest?.head.treeSize ?? null],
  ];
  for (const [field, declared, actual] of expectations) {
    if (declared !== actual) collector.fail('MANIFEST_MISMATCH', `manifest ${field} is ${String(declared)} but the bundle has ${String(actual)}`);
  }
}
