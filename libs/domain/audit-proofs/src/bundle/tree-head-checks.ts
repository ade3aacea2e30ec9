import { fromHex } from '../encoding';
import { isAuditProofError } from '../errors';
import { verifyConsistency } from '../merkle/proof-verification';
import { describeKeyIds, PinnedKeys } from '../tree-head/pinned-keys';
import { parseSignedTreeHead, SignedTreeHead, verifyTreeHead } from '../tree-head/tree-head';
import { BundleProofs } from './bundle-proofs';
import { FailureCollector } from './failure-collector';

export interface CheckedTreeHead {
  readonly head: SignedTreeHead;
  readonly rootHash: Buffer;
  readonly signatureValid: boolean;
  /** 1-based line in tree-heads.jsonl */
  readonly line: number;
}

/**
 * Parses every tree head and checks its signature against the pinned key its keyId names, and its
 * order. A head whose keyId names no pinned key fails: the bundle's own key files are never used.
 * Well-formed heads are returned even when their signature fails, so that the remaining checks
 * still diagnose the bundle; the failed signature alone makes the verdict negative.
 */
export function checkTreeHeads(lines: readonly string[], pinned: PinnedKeys, collector: FailureCollector): CheckedTreeHead[] {
  if (lines.length === 0) collector.fail('NO_TREE_HEADS', 'the bundle has no signed tree head');
  const heads: CheckedTreeHead[] = [];
  lines.forEach((text, i) => {
    const line = i + 1;
    let head: SignedTreeHead;
    try {
      head = parseSignedTreeHead(JSON.parse(text));
    } catch (error) {
      collector.fail('TREE_HEAD_MALFORMED', `tree head on line ${line} is malformed: ${(error as Error).message}`, { line });
      return;
    }
    const signingKey = pinned.get(head.keyId);
    if (signingKey === undefined) {
      collector.fail(
        'TREE_HEAD_SIGNATURE_INVALID',
        `tree head of size ${head.treeSize} (line ${line}) is signed by key ${head.keyId}, which is not pinned (pinned: ${describeKeyIds(pinned.keys())}); ` +
          'obtain that key out of band and pin it with another --public-key',
        { treeSize: head.treeSize, line },
      );
      heads.push({ head, rootHash: fromHex(head.rootHash), signatureValid: false, line });
      return;
    }
    let signatureValid = true;
    try {
      // Also re-checks that the key matches the head's keyId, so a head can never borrow another key.
      verifyTreeHead(head, signingKey);
    } catch (error) {
      if (!isAuditProofError(error)) throw error;
      signatureValid = false;
      collector.fail('TREE_HEAD_SIGNATURE_INVALID', `tree head of size ${head.treeSize} (line ${line}): ${error.message}`, {
        treeSize: head.treeSize,
        line,
      });
    }
    heads.push({ head, rootHash: fromHex(head.rootHash), signatureValid, line });
  });
  heads.forEach((current, i) => {
    const previous = heads[i - 1];
    if (previous === undefined) return;
    if (current.head.treeSize < previous.head.treeSize || current.head.timestamp < previous.head.timestamp) {
      collector.fail(
        'TREE_HEADS_OUT_OF_ORDER',
        `tree head on line ${current.line} (size ${current.head.treeSize}, ${current.head.timestamp}) is older than the one before it ` +
          `(size ${previous.head.treeSize}, ${previous.head.timestamp})`,
        { treeSize: current.head.treeSize, line: current.line },
      );
    }
  });
  return heads;
}

/** Checks that each tree head extends the one before it; returns how many proofs verified. */
export function checkConsistencyChain(heads: readonly CheckedTreeHead[], proofs: BundleProofs, collector: FailureCollector): number {
  const byPair = new Map<string, readonly string[]>();
  for (const entry of proofs.consistency) {
    const key = `${entry.fromSize}:${entry.toSize}`;
    if (!byPair.has(key)) byPair.set(key, entry.proof);
  }
  let verified = 0;
  heads.forEach((to, i) => {
    const from = heads[i - 1];
    if (from === undefined || from.head.treeSize > to.head.treeSize) return;
    const proof = byPair.get(`${from.head.treeSize}:${to.head.treeSize}`);
    const location = { treeSize: to.head.treeSize, line: to.line };
    if (proof === undefined) {
      collector.fail('CONSISTENCY_PROOF_MISSING', `no consistency proof from tree size ${from.head.treeSize} to ${to.head.treeSize}`, location);
      return;
    }
    try {
      verifyConsistency({
        fromSize: from.head.treeSize,
        toSize: to.head.treeSize,
        fromRoot: from.rootHash,
        toRoot: to.rootHash,
        proof: proof.map((hex) => fromHex(hex)),
      });
      verified++;
    } catch (error) {
      if (!isAuditProofError(error)) throw error;
      collector.fail('CONSISTENCY_PROOF_INVALID', `tree head ${to.head.treeSize} does not extend tree head ${from.head.treeSize}: ${error.message}`, location);
    }
  });
  return verified;
}
