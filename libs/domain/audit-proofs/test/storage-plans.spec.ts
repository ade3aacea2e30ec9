import {
  AuditProofError,
  consistencyProofPlan,
  fromBase64,
  fromHex,
  InMemoryAuditLog,
  inclusionProofPlan,
  leafHash,
  canonicalBytes,
  nodeLookupFrom,
  perfectSubtreesCovering,
  privateKeyFromSeed,
  publicKeyOf,
  rootFromLeafHashes,
  rootHashBytes,
  rootPlan,
  toBase64,
  toHex,
  verifyTreeHead,
} from '../src';

describe('storage plans', () => {
  // Tree of 7 leaves: perfect subtrees (2,0) = leaves 0–3, (1,2) = 4–5, (0,6) = leaf 6.
  it('lists the frontier of a tree as the nodes of its root', () => {
    expect(rootPlan(7)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(rootPlan(8)).toEqual([{ level: 3, index: 0 }]);
    expect(rootPlan(0)).toEqual([]);
  });

  it('plans the inclusion proof of leaf 2 in a tree of 7 leaves', () => {
    const plan = inclusionProofPlan(2, 7);
    // PATH(2, D[0:7]) = [leaf 3, MTH(0–1), MTH(4–6)]; the last is on the right edge, so it is two stored nodes.
    expect(plan.elements).toEqual([
      { begin: 3, end: 4, nodes: [{ level: 0, index: 3 }] },
      { begin: 0, end: 2, nodes: [{ level: 1, index: 0 }] },
      {
        begin: 4,
        end: 7,
        nodes: [
          { level: 1, index: 2 },
          { level: 0, index: 6 },
        ],
      },
    ]);
    expect(plan.nodes).toHaveLength(4);
  });

  it('plans the consistency proof 3 → 7', () => {
    // PROOF(3, D[0:7]) = [leaf 2, leaf 3, MTH(0–1), MTH(4–6)] (RFC 9162 §2.1.4.3 example shape).
    expect(consistencyProofPlan(3, 7).elements.map((e) => [e.begin, e.end])).toEqual([
      [2, 3],
      [3, 4],
      [0, 2],
      [4, 7],
    ]);
    expect(consistencyProofPlan(4, 4).nodes).toEqual([]);
    expect(consistencyProofPlan(0, 9).nodes).toEqual([]);
    expect(() => consistencyProofPlan(5, 4)).toThrow(expect.objectContaining({ code: 'CONSISTENCY_SIZES_INVALID' }));
  });

  it('covers any range with the fewest aligned perfect subtrees', () => {
    expect(perfectSubtreesCovering(3, 13)).toEqual([
      { level: 0, index: 3 },
      { level: 2, index: 1 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
  });

  it('reports a node the storage did not return', () => {
    const lookup = nodeLookupFrom([{ level: 0, index: 0, hash: Buffer.alloc(32) }]);
    expect(lookup({ level: 0, index: 0 })).toEqual(Buffer.alloc(32));
    expect(() => lookup({ level: 1, index: 0 })).toThrow(expect.objectContaining({ code: 'NODE_NOT_FOUND' }));
    expect(() => nodeLookupFrom([{ level: 0, index: 0, hash: Buffer.alloc(31) }])).toThrow(expect.objectContaining({ code: 'INVALID_HASH_LENGTH' }));
  });

  it('rejects leaf indexes and sizes that are not safe non-negative integers', () => {
    expect(() => inclusionProofPlan(7, 7)).toThrow(expect.objectContaining({ code: 'LEAF_INDEX_OUT_OF_RANGE' }));
    expect(() => inclusionProofPlan(0.5, 7)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => rootPlan(2 ** 53)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('encodings', () => {
  it('decodes strict lowercase hex only', () => {
    expect(toHex(fromHex('00ff10'))).toBe('00ff10');
    for (const bad of ['0', 'FF', '0g', ' 00', '00 ']) expect(() => fromHex(bad)).toThrow(AuditProofError);
  });

  it('decodes strict padded base64 only', () => {
    expect(toBase64(fromBase64('AAEC/w=='))).toBe('AAEC/w==');
    for (const bad of ['AAEC/w', 'AAE=C/w=', 'AA-_', 'AAEC\n']) expect(() => fromBase64(bad)).toThrow(AuditProofError);
  });
});

describe('InMemoryAuditLog', () => {
  it('commits canonical events as leaves and signs the reference root', () => {
    const key = privateKeyFromSeed(Buffer.alloc(32, 1));
    const log = new InMemoryAuditLog(key);
    const batches = [[{ b: 1, a: '가' }], [], [{ n: 1.5 }, { n: -0 }, [null, true]]];
    batches.forEach((batch) => log.append(batch));
    expect(log.events.map((e) => e.leafIndex)).toEqual([0, 1, 2, 3]);
    const head = verifyTreeHead(log.signTreeHead(new Date(0)), publicKeyOf(key));
    const leaves = batches.flat().map((event) => leafHash(canonicalBytes(event)));
    expect(head.treeSize).toBe(4);
    expect(rootHashBytes(head)).toEqual(rootFromLeafHashes(leaves));
    expect(() => log.append([{ at: new Date() } as never])).toThrow(expect.objectContaining({ code: 'NON_CANONICALIZABLE_VALUE' }));
    expect(log.treeSize).toBe(4);
  });
});
