import { asArray, asCount, asHashHexList, asRecord, malformed, parseJson } from './json-shape';

/** Proof that tree head `toSize` extends tree head `fromSize` (hex elements, RFC 9162 order). */
export interface ConsistencyProofEntry {
  readonly fromSize: number;
  readonly toSize: number;
  readonly proof: readonly string[];
}

/** Inclusion proof of one bundle event against the latest tree head. */
export interface InclusionProofEntry {
  readonly leafIndex: number;
  readonly proof: readonly string[];
}

/**
 * Lets a verifier recompute the root of a full export that does not start at leaf 0 or end at the
 * latest tree size: the frontier of the first startSize leaves, plus a consistency proof from the
 * recomputed tree of endSize leaves to the latest tree head.
 */
export interface RangeProof {
  readonly startSize: number;
  /** Hashes of rootPlan(startSize), largest subtree first. */
  readonly startFrontier: readonly string[];
  readonly endSize: number;
  /** Consistency proof endSize → latest tree size (empty when they are equal). */
  readonly endToLatest: readonly string[];
}

/** proofs.json. `inclusion` is used by filtered bundles, `range` by full ones. */
export interface BundleProofs {
  /** Size of the latest tree head, the one inclusion proofs and endToLatest lead to. */
  readonly treeSize: number;
  /** One per pair of consecutive tree heads in tree-heads.jsonl. */
  readonly consistency: readonly ConsistencyProofEntry[];
  /** Sorted by leafIndex. */
  readonly inclusion: readonly InclusionProofEntry[];
  readonly range: RangeProof | null;
}

/**
 * An inclusion proof as stored in proofs.json. Consecutive events of an export share the upper part
 * of their proofs, so each record may say that its last `fromPrevious` elements are the last
 * `fromPrevious` elements of the previous record's (expanded) proof, and list only the others.
 */
interface InclusionProofRecord {
  readonly leafIndex: number;
  readonly proof: readonly string[];
  readonly fromPrevious?: number;
}

/** proofs.json text for `proofs`, with shared proof tails written once (see InclusionProofRecord). */
export function serializeProofs(proofs: BundleProofs): string {
  const inclusion: InclusionProofRecord[] = proofs.inclusion.map((entry, i) => {
    const previous = proofs.inclusion[i - 1]?.proof ?? [];
    let shared = 0;
    while (shared < entry.proof.length && shared < previous.length && entry.proof[entry.proof.length - 1 - shared] === previous[previous.length - 1 - shared]) {
      shared++;
    }
    const own = entry.proof.slice(0, entry.proof.length - shared);
    return shared === 0 ? { leafIndex: entry.leafIndex, proof: own } : { leafIndex: entry.leafIndex, proof: own, fromPrevious: shared };
  });
  return JSON.stringify({ ...proofs, inclusion });
}

/** Parses and validates proofs.json, expanding shared proof tails (the elements are shared strings). */
export function parseProofs(text: string): BundleProofs {
  const record = asRecord(parseJson(text, 'proofs.json'), 'proofs', ['treeSize', 'consistency', 'inclusion', 'range']);
  const consistency = asArray(record['consistency'], 'consistency').map((item, i) => {
    const entry = asRecord(item, `consistency[${i}]`, ['fromSize', 'toSize', 'proof']);
    return {
      fromSize: asCount(entry['fromSize'], `consistency[${i}].fromSize`),
      toSize: asCount(entry['toSize'], `consistency[${i}].toSize`),
      proof: asHashHexList(entry['proof'], `consistency[${i}].proof`),
    };
  });
  let previous: InclusionProofEntry | undefined;
  const inclusion = asArray(record['inclusion'], 'inclusion').map((item, i): InclusionProofEntry => {
    const entry = asRecord(item, `inclusion[${i}]`, ['leafIndex', 'proof', 'fromPrevious']);
    const leafIndex = asCount(entry['leafIndex'], `inclusion[${i}].leafIndex`);
    if (previous !== undefined && leafIndex <= previous.leafIndex) throw malformed('inclusion proofs must be sorted by strictly increasing leafIndex');
    const own = asHashHexList(entry['proof'], `inclusion[${i}].proof`);
    const shared = entry['fromPrevious'] === undefined ? 0 : asCount(entry['fromPrevious'], `inclusion[${i}].fromPrevious`);
    const previousProof = previous?.proof ?? [];
    if (shared > previousProof.length) throw malformed(`inclusion[${i}].fromPrevious exceeds the previous proof's length`);
    previous = { leafIndex, proof: shared === 0 ? own : [...own, ...previousProof.slice(previousProof.length - shared)] };
    return previous;
  });
  return {
    treeSize: asCount(record['treeSize'], 'treeSize'),
    consistency,
    inclusion,
    range: record['range'] === null || record['range'] === undefined ? null : parseRange(record['range']),
  };
}

function parseRange(value: unknown): RangeProof {
  const range = asRecord(value, 'range', ['startSize', 'startFrontier', 'endSize', 'endToLatest']);
  const startSize = asCount(range['startSize'], 'range.startSize');
  const endSize = asCount(range['endSize'], 'range.endSize');
  if (endSize < startSize) throw malformed('range.endSize is before range.startSize');
  return {
    startSize,
    startFrontier: asHashHexList(range['startFrontier'], 'range.startFrontier'),
    endSize,
    endToLatest: asHashHexList(range['endToLatest'], 'range.endToLatest'),
  };
}
