import { describeKeyIds } from '../tree-head/pinned-keys';
import { BundleScope } from './bundle-manifest';
import { EventStreamSummary } from './event-stream-checks';
import { FailureCollector } from './failure-collector';
import { CheckedTreeHead } from './tree-head-checks';
import { VerificationCheck, VerificationCheckId } from './verification-report';

const CHECK_TITLES: Readonly<Record<VerificationCheckId, string>> = {
  manifest: 'Manifest is readable and matches the bundle',
  'public-key': 'Bundled public keys match the pinned keys',
  'tree-head-signatures': 'Tree heads are signed by a pinned key',
  'tree-head-order': 'Tree heads are in chronological order',
  'proofs-document': 'Proof document is well-formed',
  consistency: 'Each tree head extends the previous one (consistency proofs)',
  'event-encoding': 'Events are canonical JSON (RFC 8785)',
  'leaf-order': 'Leaf indexes strictly increase',
  inclusion: 'Every event is included in the latest tree head (inclusion proofs)',
  'tree-root': 'Events recompute the signed tree roots',
};

export function describeChecks(
  scope: BundleScope,
  collector: FailureCollector,
  heads: readonly CheckedTreeHead[],
  summary: EventStreamSummary,
  consistencyProofsVerified: number,
  pinnedKeyIds: readonly string[],
): VerificationCheck[] {
  const pinnedKeys = pinnedKeyIds.length === 1 ? `pinned key ${pinnedKeyIds[0]}` : `pinned keys ${pinnedKeyIds.join(', ')}`;
  const pinnedKeysShort = pinnedKeyIds.length === 1 ? `pinned key ${describeKeyIds(pinnedKeyIds)}` : `pinned keys ${describeKeyIds(pinnedKeyIds)}`;
  const latest = heads[heads.length - 1];
  const latestNote = latest !== undefined && !latest.signatureValid ? ' (the latest head itself is not authentic)' : '';
  const leafSpan = summary.firstLeafIndex === null ? 'no events' : `leaves ${summary.firstLeafIndex}…${summary.lastLeafIndex}`;
  const failed = (id: VerificationCheckId): boolean => collector.failureCount(id) > 0;
  const details: Record<VerificationCheckId, string> = {
    manifest: failed('manifest') ? 'the manifest does not describe this bundle' : 'counts, leaf range and latest tree size agree with the files',
    'public-key': collector.warnings.length === 0 ? pinnedKeys : collector.warnings.map((w) => w.message).join('; '),
    'tree-head-signatures': `${heads.filter((h) => h.signatureValid).length} of ${heads.length} tree heads verified with ${pinnedKeysShort}`,
    'tree-head-order': `${heads.length} tree heads, sizes ${heads[0]?.head.treeSize ?? '–'}…${latest?.head.treeSize ?? '–'}`,
    'proofs-document': scope === 'full' ? 'range proof for a full export' : 'inclusion proofs for a filtered export',
    consistency: `${consistencyProofsVerified} of ${Math.max(heads.length - 1, 0)} consistency proofs verified`,
    'event-encoding': `${summary.events} events`,
    'leaf-order': `${leafSpan}${scope === 'full' ? ' (a full export may have no gaps)' : ''}`,
    inclusion: `${summary.inclusionProofsVerified} of ${summary.events} inclusion proofs verified against tree size ${latest?.head.treeSize ?? '–'}${latestNote}`,
    'tree-root': `${summary.treeRootsMatched} signed roots reproduced from ${summary.events} events${latestNote}`,
  };
  const ids: VerificationCheckId[] = [
    'manifest',
    'public-key',
    'tree-head-signatures',
    'tree-head-order',
    'proofs-document',
    'consistency',
    'event-encoding',
    'leaf-order',
    scope === 'full' ? 'tree-root' : 'inclusion',
  ];
  return ids.map((id) => {
    const failureCount = collector.failureCount(id);
    const status = failureCount > 0 ? 'fail' : id === 'public-key' && collector.warnings.length > 0 ? 'warn' : 'pass';
    return { id, title: CHECK_TITLES[id], status, details: details[id], failureCount };
  });
}
