import {
  isAuditProofError,
  nodeLookupFrom,
  parseSignedTreeHead,
  toHex,
  type NodeHash,
  type NodeId,
  type NodeLookup,
  type SignedTreeHead,
} from '@ai-commons/audit-proofs';
import type { Queryable } from './queryable';

/**
 * Reads of the sequencer's tables. Level-0 nodes are the leaf hashes in `audit_leaves`; higher
 * perfect subtrees are in `audit_tree_nodes`. Any root, inclusion or consistency proof needs
 * O(log n) of them, fetched here in a single statement.
 */
export async function fetchNodes(query: Queryable, nodes: readonly NodeId[], onMissing?: (node: NodeId) => Uint8Array): Promise<NodeLookup> {
  const lookup = await fetchStoredNodes(query, nodes);
  if (!onMissing) return lookup;
  return (node) => {
    try {
      return lookup(node);
    } catch (error) {
      if (isAuditProofError(error) && error.code === 'NODE_NOT_FOUND') return onMissing(node);
      throw error;
    }
  };
}

async function fetchStoredNodes(query: Queryable, nodes: readonly NodeId[]): Promise<NodeLookup> {
  if (nodes.length === 0) return nodeLookupFrom([]);
  const leaves: number[] = [];
  const levels: number[] = [];
  const indexes: number[] = [];
  for (const node of nodes) {
    if (node.level === 0) leaves.push(node.index);
    else {
      levels.push(node.level);
      indexes.push(node.index);
    }
  }
  const rows = await query<{ level: number; index: string; hash: Buffer }>(
    `select 0 as level, l.leaf_index as index, l.leaf_hash as hash from audit_leaves l where l.leaf_index = any($1::bigint[])
     union all
     select n.level, n.index, n.hash from audit_tree_nodes n
       join unnest($2::smallint[], $3::bigint[]) as wanted (level, index) on n.level = wanted.level and n.index = wanted.index`,
    [leaves, levels, indexes],
  );
  return nodeLookupFrom(rows.map((row): NodeHash => ({ level: Number(row.level), index: Number(row.index), hash: row.hash })));
}

export interface TreeHeadRow {
  tree_size: string;
  signed_at: Date;
  root_hash: Buffer;
  key_id: string;
  signature: string;
}

const TREE_HEAD_COLUMNS = 'tree_size, signed_at, root_hash, key_id, signature';

export function treeHeadFromRow(row: TreeHeadRow): SignedTreeHead {
  return parseSignedTreeHead({
    keyId: row.key_id,
    rootHash: toHex(row.root_hash),
    signature: row.signature,
    timestamp: row.signed_at.toISOString(),
    treeSize: Number(row.tree_size),
  });
}

/** The most recent signed tree head (largest size, then latest), or null before the first. */
export async function latestTreeHead(query: Queryable): Promise<SignedTreeHead | null> {
  const [row] = await query<TreeHeadRow>(`select ${TREE_HEAD_COLUMNS} from audit_tree_heads order by tree_size desc, signed_at desc limit 1`);
  return row ? treeHeadFromRow(row) : null;
}

/** Signed heads with from ≤ signed_at < to, oldest first. */
export async function treeHeadsBetween(query: Queryable, from: Date, to: Date): Promise<SignedTreeHead[]> {
  const rows = await query<TreeHeadRow>(
    `select ${TREE_HEAD_COLUMNS} from audit_tree_heads where signed_at >= $1 and signed_at < $2 order by tree_size, signed_at`,
    [from, to],
  );
  return rows.map(treeHeadFromRow);
}

/**
 * A page of signed heads, newest first, keyset on (signed_at, tree_size): `size + 1` rows, so the
 * caller can tell whether there is a next page.
 */
export async function treeHeadsPage(
  query: Queryable,
  size: number,
  after?: { signedAt: string; treeSize: number },
  range: { from?: Date; to?: Date } = {},
): Promise<{ head: SignedTreeHead; signedAt: string }[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (after) {
    params.push(after.signedAt, after.treeSize);
    conditions.push(`(signed_at, tree_size) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
  }
  if (range.from) conditions.push(`signed_at >= $${params.push(range.from)}`);
  if (range.to) conditions.push(`signed_at < $${params.push(range.to)}`);
  params.push(size + 1);
  // signed_at as text keeps its microseconds in the cursor.
  const rows = await query<TreeHeadRow & { signed_at_text: string }>(
    `select ${TREE_HEAD_COLUMNS}, to_char(signed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as signed_at_text from audit_tree_heads
     ${conditions.length ? `where ${conditions.join(' and ')}` : ''} order by signed_at desc, tree_size desc limit $${params.length}`,
    params,
  );
  return rows.map((row) => ({ head: treeHeadFromRow(row), signedAt: row.signed_at_text }));
}

/** The latest head signed before `at` (or null), and the earliest one signed at or after it. */
export async function treeHeadsAround(query: Queryable, at: Date): Promise<{ before: SignedTreeHead | null; after: SignedTreeHead | null }> {
  const [before] = await query<TreeHeadRow>(
    `select ${TREE_HEAD_COLUMNS} from audit_tree_heads where signed_at < $1 order by signed_at desc, tree_size desc limit 1`,
    [at],
  );
  const [after] = await query<TreeHeadRow>(`select ${TREE_HEAD_COLUMNS} from audit_tree_heads where signed_at >= $1 order by signed_at, tree_size limit 1`, [
    at,
  ]);
  return { before: before ? treeHeadFromRow(before) : null, after: after ? treeHeadFromRow(after) : null };
}

/** Number of leaves the sequencer has assigned (the size of the current, maybe unsigned, tree). */
export async function sequencedSize(query: Queryable): Promise<number> {
  const [row] = await query<{ size: string }>(`select coalesce(max(leaf_index) + 1, 0) as size from audit_leaves`);
  return Number(row?.size ?? 0);
}
