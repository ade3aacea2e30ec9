import { KeyObject } from 'node:crypto';
import { canonicalJson, JsonValue } from '../canonical/canonical-json';
import { BundleEvent } from '../bundle/event-line';
import { leafHashOfUtf8 } from '../merkle/hashing';
import { AuditProofError } from '../errors';
import { appendLeaves, AppendResult, EMPTY_FRONTIER, Frontier, frontierRoot } from '../merkle/frontier';
import { NodeLookup, nodeKey } from '../merkle/node-lookup';
import { createTreeHead, SignedTreeHead, signTreeHead } from '../tree-head/tree-head';

/**
 * The append path of the audit log with memory for storage: canonicalize each event, group-commit
 * the batch with appendLeaves, persist the completed perfect subtrees, sign tree heads. It is the
 * reference a database-backed log must agree with, and a source of logs for tests and exports.
 */
export class InMemoryAuditLog {
  private frontier: Frontier = EMPTY_FRONTIER;
  private readonly storedNodes = new Map<string, Uint8Array>();
  private readonly logged: BundleEvent[] = [];

  constructor(private readonly signingKey: KeyObject) {}

  get treeSize(): number {
    return this.frontier.treeSize;
  }

  get events(): readonly BundleEvent[] {
    return this.logged;
  }

  /** Appends one batch; events are canonicalized first, so unrepresentable values are rejected up front. */
  append(events: readonly JsonValue[]): AppendResult {
    const canonical = events.map((event) => canonicalJson(event));
    const result = appendLeaves(this.frontier, canonical.map(leafHashOfUtf8));
    for (const node of result.completedNodes) this.storedNodes.set(nodeKey(node), node.hash);
    canonical.forEach((text, i) => this.logged.push({ leafIndex: this.frontier.treeSize + i, event: JSON.parse(text) as JsonValue }));
    this.frontier = result.frontier;
    return result;
  }

  signTreeHead(at: Date): SignedTreeHead {
    return signTreeHead(createTreeHead(this.treeSize, frontierRoot(this.frontier), at), this.signingKey);
  }

  /** Stored perfect-subtree hashes, as the proof planners expect them. */
  readonly nodes: NodeLookup = (node) => {
    const hash = this.storedNodes.get(nodeKey(node));
    if (hash === undefined) throw new AuditProofError('NODE_NOT_FOUND', `no stored hash for node level ${node.level} index ${node.index}`);
    return hash;
  };
}
