import { KeyObject } from 'node:crypto';
import { canonicalJson } from '../canonical/canonical-json';
import { toHex } from '../encoding';
import { AuditProofError } from '../errors';
import { consistencyProofFromNodeLookup, inclusionProofFromNodeLookup, NodeLookup } from '../merkle/node-lookup';
import { rootPlan } from '../merkle/proof-plans';
import { keyIdOf, publicKeyToPem } from '../tree-head/signing-keys';
import { SignedTreeHead } from '../tree-head/tree-head';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BundleManifest, BundleScope } from './bundle-manifest';
import { BundleProofs, ConsistencyProofEntry, RangeProof, serializeProofs } from './bundle-proofs';
import { AuditBundle } from './audit-bundle';
import { serializeBundledPublicKeys } from './bundle-public-keys';
import { BundleEvent, encodeEventLine } from './event-line';

export interface BundleBuildInput {
  readonly institution: string | null;
  readonly scope: BundleScope;
  readonly timeRange: { readonly from: string; readonly to: string };
  readonly createdAt: string;
  /** Sorted by leafIndex; for scope "full" they must be consecutive. */
  readonly events: readonly BundleEvent[];
  /** Signed heads in increasing tree size; the last one is the head proofs refer to. */
  readonly treeHeads: readonly SignedTreeHead[];
  /** The current signing key: the manifest's publicKeyId and public-key.pem. */
  readonly publicKey: KeyObject;
  /** Every key that signed one of treeHeads, oldest first, for public-keys.json; omitted: no such file (a bundle as written before key rotation). */
  readonly signingPublicKeys?: readonly KeyObject[];
  /** Stored perfect-subtree hashes of the log at (at least) the latest head's size. */
  readonly nodes: NodeLookup;
}

/**
 * Assembles an export bundle in memory, fetching every proof through `nodes` — O(log n) stored
 * hashes per proof. Writing it to a directory is the caller's I/O.
 */
export function buildBundle(input: BundleBuildInput): AuditBundle {
  const latest = input.treeHeads[input.treeHeads.length - 1];
  if (latest === undefined) throw new AuditProofError('INVALID_ARGUMENT', 'a bundle needs at least one signed tree head');
  const first = input.events[0]?.leafIndex ?? null;
  const last = input.events[input.events.length - 1]?.leafIndex ?? null;
  if (last !== null && last >= latest.treeSize) {
    throw new AuditProofError('INVALID_ARGUMENT', `leaf ${last} is not covered by the latest tree head (size ${latest.treeSize})`);
  }
  input.events.forEach((entry, i) => {
    const previous = input.events[i - 1];
    if (previous === undefined) return;
    const expected = input.scope === 'full' ? entry.leafIndex === previous.leafIndex + 1 : entry.leafIndex > previous.leafIndex;
    if (!expected) throw new AuditProofError('INVALID_ARGUMENT', `events out of order at leaf ${entry.leafIndex}`);
  });

  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    institution: input.institution,
    scope: input.scope,
    timeRange: input.timeRange,
    eventCount: input.events.length,
    treeHeadCount: input.treeHeads.length,
    firstLeafIndex: first,
    lastLeafIndex: last,
    latestTreeSize: latest.treeSize,
    publicKeyId: keyIdOf(input.publicKey),
    createdAt: input.createdAt,
  };
  const proofs: BundleProofs = {
    treeSize: latest.treeSize,
    consistency: consistencyBetweenHeads(input.treeHeads, input.nodes),
    inclusion:
      input.scope === 'filtered'
        ? input.events.map(({ leafIndex }) => ({
            leafIndex,
            proof: inclusionProofFromNodeLookup(leafIndex, latest.treeSize, input.nodes).map(toHex),
          }))
        : [],
    range: input.scope === 'full' && first !== null && last !== null ? rangeProof(first, last + 1, latest.treeSize, input.nodes) : null,
  };
  return {
    manifest: `${JSON.stringify(manifest, null, 2)}\n`,
    treeHeads: input.treeHeads.map((head) => canonicalJson(head)),
    proofs: serializeProofs(proofs),
    publicKeyPem: publicKeyToPem(input.publicKey),
    publicKeysJson: input.signingPublicKeys ? serializeBundledPublicKeys(input.signingPublicKeys) : null,
    events: input.events.map(encodeEventLine),
  };
}

export function consistencyBetweenHeads(heads: readonly SignedTreeHead[], nodes: NodeLookup): ConsistencyProofEntry[] {
  return heads.slice(1).map((head, i) => {
    const fromSize = heads[i]!.treeSize;
    return { fromSize, toSize: head.treeSize, proof: consistencyProofFromNodeLookup(fromSize, head.treeSize, nodes).map(toHex) };
  });
}

export function rangeProof(startSize: number, endSize: number, latestTreeSize: number, nodes: NodeLookup): RangeProof {
  return {
    startSize,
    startFrontier: rootPlan(startSize).map((node) => toHex(nodes(node))),
    endSize,
    endToLatest: consistencyProofFromNodeLookup(endSize, latestTreeSize, nodes).map(toHex),
  };
}
