import { isUtf8 } from 'node:buffer';
import { isAuditProofError } from '../errors';
import { HASH_SIZE, leafHashOfRange, leafHashOfUtf8 } from '../merkle/hashing';
import { EventLine } from './audit-bundle';
import { BundleScope } from './bundle-manifest';
import { BundleProofs } from './bundle-proofs';
import { decodeEventLine, scanCanonicalEventLine } from './event-line';
import { FailureCollector } from './failure-collector';
import { HashedEventChunk, UNSCANNED_LINE } from './hashed-event-chunk';
import { InclusionCheck } from './inclusion-check';
import { malformed } from './json-shape';
import { LeafCheck } from './leaf-check';
import { RootRecomputation } from './root-recomputation';
import { CheckedTreeHead } from './tree-head-checks';

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

  /**
   * A block of lines whose canonical scan and leaf hashes were computed elsewhere (hashEventLines,
   * e.g. on a worker thread): the same verdicts as accept() on each line, in order. Lines that did
   * not pass the fast path go through accept() itself, so their failures are reported identically.
   */
  acceptChunk({ bytes, leaves }: HashedEventChunk): void {
    const { lineEnds, leafIndexes, leafHashes } = leaves;
    let start = 0;
    for (let i = 0; i < lineEnds.length; i++) {
      const end = lineEnds[i]!;
      const leafIndex = leafIndexes[i]!;
      if (leafIndex === UNSCANNED_LINE) this.accept(bytes.subarray(start, end));
      else this.acceptLeaf(leafIndex, leafHashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE), ++this.lineNumber);
      start = end + 1;
    }
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
      const reason =
        this.heads.length === 0 ? 'there is no tree head' : this.scope === 'full' ? 'the full bundle has no usable range proof' : 'proofs.json is unusable';
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
