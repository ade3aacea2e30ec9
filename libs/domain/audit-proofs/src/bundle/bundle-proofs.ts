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
  let previousLeaf = -1;
  const inclusion = asArray(record['inclusion'], 'inclusion').map((item, i) => {
    const entry = asRecord(item, `inclusion[${i}]`, ['leafIndex', 'proof']);
    const leafIndex = asCount(entry['leafIndex'], `inclusion[${i}].leafIndex`);
    if (leafIndex <= previousLeaf) throw malformed('inclusion proofs must be sorted by strictly increasing leafIndex');
    previousLeaf = leafIndex;
    return { leafIndex, proof: asHashHexList(entry['proof'], `inclusion[${i}].proof`) };
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
