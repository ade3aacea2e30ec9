import { isUtf8 } from 'node:buffer';
import { bytesEqual, fromHex } from '../encoding';
import { malformed } from './json-shape';
import { isAuditProofError } from '../errors';
import { leafHashOfRange, leafHashOfUtf8 } from '../merkle/hashing';
import { InclusionBatchVerifier } from '../merkle/inclusion-batch-verifier';
import { verifyConsistency } from '../merkle/proof-verification';
import { StreamingTreeBuilder } from '../merkle/streaming-tree-builder';
import { BundleScope } from './bundle-manifest';
import { BundleProofs, InclusionProofEntry, RangeProof } from './bundle-proofs';
import { EventLine } from './audit-bundle';
import { decodeEventLine, scanCanonicalEventLine } from './event-line';
import { FailureCollector } from './failure-collector';
import { CheckedTreeHead } from './tree-head-checks';

/** What the per-leaf check (root recomputation or inclusion proofs) does with each event. */
interface LeafCheck {
  accept(leafIndex: number, leafHash: Uint8Array, line: number): void;
  finish(): void;
  readonly verifiedCount: number;
}

export interface EventStreamSummary {
  readonly events: number;
  readonly firstLeafIndex: number | null;
  readonly lastLeafIndex: number | null;
  readonly inclusionProofsVerified: number;
  readonly treeRootsMatched: number;
}

/**
 * Consumes events.jsonl one line at a time: decodes and canonical-checks each event, checks leaf
 * order, hashes the event and hands the leaf to the scope's check. Memory is O(log n) for full
 * bundles; filtered bundles hold their (already parsed) inclusion proofs.
 */
export class EventStreamChecker {
  private readonly leafCheck: LeafCheck | null;
  private lineNumber = 0;
  private count = 0;
  private first: number | null = null;
  private previous: number | null = null;

  constructor(
    private readonly scope: BundleScope,
    private readonly heads: readonly CheckedTreeHead[],
    proofs: BundleProofs | null,
    private readonly collector: FailureCollector,
  ) {
    const latest = heads[heads.length - 1];
    this.leafCheck = latest === undefined || proofs === null ? null : createLeafCheck(scope, heads, latest, proofs, collector);
  }

  accept(line: EventLine): void {
    const lineNumber = ++this.lineNumber;
    const bytes = typeof line === 'string' ? textBytes(line) : line;
    const canonical = bytes === null ? null : scanCanonicalEventLine(bytes);
    if (canonical !== null) {
      this.acceptLeaf(canonical.leafIndex, leafHashOfRange(bytes!, canonical.eventStart, canonical.eventEnd), lineNumber);
      return;
    }
    // Slow path, only for lines that are not canonical: parse to tell malformed from re-formatted.
    let decoded;
    try {
      decoded = decodeEventLine(lineText(line));
    } catch (error) {
      if (!isAuditProofError(error)) throw error;
      this.collector.fail('EVENT_MALFORMED', `events.jsonl line ${lineNumber}: ${error.message}`, { line: lineNumber });
      return;
    }
    if (!decoded.isCanonical) {
      this.collector.fail('EVENT_NOT_CANONICAL', `events.jsonl line ${lineNumber} is not in canonical (RFC 8785) form`, {
        leafIndex: decoded.leafIndex,
        line: lineNumber,
      });
    }
    this.acceptLeaf(decoded.leafIndex, leafHashOfUtf8(decoded.canonicalEvent), lineNumber);
  }

  private acceptLeaf(leafIndex: number, leafHash: Uint8Array, lineNumber: number): void {
    this.checkOrder(leafIndex, lineNumber);
    this.count++;
    this.first ??= leafIndex;
    this.previous = leafIndex;
    this.leafCheck?.accept(leafIndex, leafHash, lineNumber);
  }

  finish(): EventStreamSummary {
    this.leafCheck?.finish();
    if (this.leafCheck === null && this.count > 0) {
      // Never let events pass unchecked: say why they could not be tied to a signed root.
      const reason = this.heads.length === 0 ? 'there is no tree head' : this.scope === 'full' ? 'the full bundle has no usable range proof' : 'proofs.json is unusable';
      this.collector.fail(this.scope === 'full' ? 'RANGE_PROOF_INVALID' : 'INCLUSION_PROOF_MISSING', `${this.count} events could not be verified: ${reason}`);
    }
    const verified = this.leafCheck?.verifiedCount ?? 0;
    return {
      events: this.count,
      firstLeafIndex: this.first,
      lastLeafIndex: this.previous,
      inclusionProofsVerified: this.scope === 'filtered' ? verified : 0,
      treeRootsMatched: this.scope === 'full' ? verified : 0,
    };
  }

  private checkOrder(leafIndex: number, line: number): void {
    const latestSize = this.heads[this.heads.length - 1]?.head.treeSize;
    if (latestSize !== undefined && leafIndex >= latestSize) {
      this.collector.fail('LEAF_INDEX_OUT_OF_RANGE', `leaf ${leafIndex} is beyond the latest tree head (size ${latestSize})`, { leafIndex, line });
    }
    if (this.previous === null) return;
    if (leafIndex <= this.previous) {
      this.collector.fail('LEAF_INDEX_NOT_INCREASING', `leaf ${leafIndex} on line ${line} does not come after leaf ${this.previous}`, {
        leafIndex,
        line,
      });
    } else if (this.scope === 'full' && leafIndex !== this.previous + 1) {
      const missing = leafIndex - 1 === this.previous + 1 ? `leaf ${leafIndex - 1} is` : `leaves ${this.previous + 1}…${leafIndex - 1} are`;
      this.collector.fail('LEAF_INDEX_GAP', `${missing} missing from a full export`, { leafIndex, line });
    }
  }
}

function createLeafCheck(
  scope: BundleScope,
  heads: readonly CheckedTreeHead[],
  latest: CheckedTreeHead,
  proofs: BundleProofs,
  collector: FailureCollector,
): LeafCheck | null {
  if (scope === 'filtered') return new InclusionCheck(latest, proofs.inclusion, collector);
  if (proofs.range === null) return null;
  try {
    return new RootRecomputation(heads, latest, proofs.range, collector);
  } catch (error) {
    if (!isAuditProofError(error)) throw error;
    collector.fail('RANGE_PROOF_INVALID', `range proof is unusable: ${error.message}`);
    return null;
  }
}

/**
 * Full bundles: rebuild the tree over the exported range and compare with every signed head whose
 * size falls inside it, then prove the range's end consistent with the latest head. About one node
 * hash per event instead of a log2(n)-hash proof per event.
 */
class RootRecomputation implements LeafCheck {
  private readonly builder: StreamingTreeBuilder;
  private nextHead = 0;
  private matched = 0;

  constructor(
    private readonly heads: readonly CheckedTreeHead[],
    private readonly latest: CheckedTreeHead,
    private readonly range: RangeProof,
    private readonly collector: FailureCollector,
  ) {
    this.builder = new StreamingTreeBuilder(range.startSize, range.startFrontier.map((hex) => fromHex(hex)));
    this.compareHeadsAtCurrentSize();
  }

  get verifiedCount(): number {
    return this.matched;
  }

  accept(leafIndex: number, leafHash: Uint8Array, line: number): void {
    if (this.builder.treeSize === this.range.startSize && leafIndex !== this.range.startSize) {
      this.collector.fail('RANGE_PROOF_INVALID', `the export starts at leaf ${leafIndex} but its range proof at leaf ${this.range.startSize}`, {
        leafIndex,
        line,
      });
    }
    this.builder.append(leafHash);
    if (this.builder.treeSize === this.nextHeadSize()) this.compareHeadsAtCurrentSize();
  }

  finish(): void {
    const { startSize, endSize, endToLatest } = this.range;
    if (this.builder.treeSize !== endSize) {
      this.collector.fail(
        'RANGE_PROOF_INVALID',
        `the events cover leaves [${startSize}, ${this.builder.treeSize}) but the range proof covers [${startSize}, ${endSize})`,
      );
      return;
    }
    // A head of exactly endSize was compared directly while streaming.
    if (endSize === this.latest.head.treeSize) return;
    try {
      verifyConsistency({
        fromSize: endSize,
        toSize: this.latest.head.treeSize,
        fromRoot: this.builder.rootHash(),
        toRoot: this.latest.rootHash,
        proof: endToLatest.map((hex) => fromHex(hex)),
      });
      this.matched++;
    } catch (error) {
      if (!isAuditProofError(error)) throw error;
      this.collector.fail(
        'TREE_ROOT_MISMATCH',
        `the tree recomputed from leaves [${startSize}, ${endSize}) is not a prefix of the latest tree head (size ${this.latest.head.treeSize}): ${error.message}`,
        { treeSize: this.latest.head.treeSize },
      );
    }
  }

  private nextHeadSize(): number | undefined {
    while (this.nextHead < this.heads.length && this.heads[this.nextHead]!.head.treeSize < this.builder.treeSize) this.nextHead++;
    return this.heads[this.nextHead]?.head.treeSize;
  }

  private compareHeadsAtCurrentSize(): void {
    const size = this.builder.treeSize;
    if (this.nextHeadSize() !== size) return;
    const root = this.builder.rootHash();
    while (this.nextHead < this.heads.length && this.heads[this.nextHead]!.head.treeSize === size) {
      const head = this.heads[this.nextHead++]!;
      if (bytesEqual(root, head.rootHash)) {
        this.matched++;
      } else {
        this.collector.fail(
          'TREE_ROOT_MISMATCH',
          `the root recomputed from the exported events differs from the signed tree head of size ${size} (line ${head.line})`,
          { treeSize: size, line: head.line },
        );
      }
    }
  }
}

/** Filtered bundles: each event's own inclusion proof against the latest head. */
class InclusionCheck implements LeafCheck {
  private readonly verifier: InclusionBatchVerifier;
  private readonly pending: Map<number, InclusionProofEntry>;
  private verified = 0;
  // Consecutive proofs end in the same elements (parseProofs even shares the strings): decode those once.
  private previousHex: readonly string[] = [];
  private previousBytes: readonly Buffer[] = [];

  constructor(
    private readonly latest: CheckedTreeHead,
    proofs: readonly InclusionProofEntry[],
    private readonly collector: FailureCollector,
  ) {
    this.verifier = new InclusionBatchVerifier(latest.head.treeSize, latest.rootHash);
    this.pending = new Map(proofs.map((entry) => [entry.leafIndex, entry]));
  }

  get verifiedCount(): number {
    return this.verified;
  }

  accept(leafIndex: number, leafHash: Uint8Array, line: number): void {
    const entry = this.pending.get(leafIndex);
    if (entry === undefined) {
      this.collector.fail('INCLUSION_PROOF_MISSING', `leaf ${leafIndex} (line ${line}) has no inclusion proof`, { leafIndex, line });
      return;
    }
    this.pending.delete(leafIndex);
    try {
      this.verifier.verify(leafIndex, leafHash, this.decode(entry.proof));
      this.verified++;
    } catch (error) {
      if (!isAuditProofError(error)) throw error;
      this.collector.fail(
        'INCLUSION_PROOF_INVALID',
        `event at leaf ${leafIndex} (line ${line}) is not included in tree head ${this.latest.head.treeSize}: ${error.message}`,
        { leafIndex, line },
      );
    }
  }

  private decode(proof: readonly string[]): Buffer[] {
    const bytes = new Array<Buffer>(proof.length);
    let fromEnd = 0;
    for (; fromEnd < proof.length && fromEnd < this.previousHex.length; fromEnd++) {
      const i = proof.length - 1 - fromEnd;
      const j = this.previousHex.length - 1 - fromEnd;
      if (proof[i] !== this.previousHex[j]) break;
      bytes[i] = this.previousBytes[j]!;
    }
    // parseProofs already checked every element is 64 hex digits.
    for (let i = 0; i < proof.length - fromEnd; i++) bytes[i] = Buffer.from(proof[i]!, 'hex');
    this.previousHex = proof;
    this.previousBytes = bytes;
    return bytes;
  }

  finish(): void {
    for (const leafIndex of this.pending.keys()) {
      this.collector.fail('EVENT_MISSING', `the bundle proves leaf ${leafIndex} but does not contain its event`, { leafIndex });
    }
  }
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** UTF-8 of an in-memory line, or null when it has no UTF-8 form (lone surrogates). */
function textBytes(line: string): Buffer | null {
  return LONE_SURROGATE.test(line) ? null : Buffer.from(line, 'utf8');
}

function lineText(line: EventLine): string {
  if (typeof line === 'string') return line;
  if (!isUtf8(line)) throw malformed('event line is not valid UTF-8');
  return Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8');
}
