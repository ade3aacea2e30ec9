import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assembleProof,
  BUNDLE_FILES,
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  canonicalJson,
  consistencyBetweenHeads,
  consistencyProofPlan,
  inclusionProofPlan,
  rangeProof,
  rootPlan,
  serializeBundledPublicKeys,
  toHex,
  type BundleManifest,
  type BundleScope,
  type NodeId,
  type SignedTreeHead,
} from '@ai-commons/audit-proofs';
import { AuditError } from '../audit-errors';
import { EVENT_COLUMNS, leafOf, storedEventFromRow, type AuditEventRow } from '../events/audit-event';
import type { AuditKeys } from '../keys/audit-keys';
import type { Queryable } from '../storage/queryable';
import { fetchNodes, latestTreeHead, treeHeadsAround, treeHeadsBetween } from '../storage/tree-store';
import { BufferedFile } from './buffered-file';
import { headSigningKeys } from './head-signing-keys';
import { ProofsFileWriter } from './proofs-file';

export interface BundleExportRequest {
  /** One institution's events (a filtered bundle), or null for every event (a full bundle). */
  institutionId: string | null;
  from: Date;
  to: Date;
}

export interface BundleExportOptions {
  /** Rows per FETCH from the export cursor. */
  pageSize?: number;
  /** At most this many tree heads (evenly thinned, always keeping the first and the latest). */
  maxTreeHeads?: number;
  now?: () => Date;
}

/**
 * Stands in for a stored hash that is gone (someone deleted rows): the export must not stop there.
 * Nothing hashes to it, so the offline verifier reports every proof that needed it.
 */
const MISSING_NODE = Buffer.alloc(32);

export interface ExportedBundle {
  manifest: BundleManifest;
  /** Stored tree hashes the proofs needed but that were not found (0 unless the tables were tampered with). */
  missingNodes: number;
}

/**
 * Writes an export bundle (apps/audit-verifier/README.md, format 1) into `directory`, reading
 * through `query` inside one transaction (RLS applies: a member sees only its own events).
 *
 * - Filtered (one institution): its events with from ≤ timestamp < to that the latest signed head
 *   covers, each with an inclusion proof against that head; the signed heads of the period.
 * - Full (all institutions): a gap-free leaf range aligned to signed heads — from the last head
 *   signed before `from` to the first head signed at or after `to` (the latest head if none) —
 *   so it may hold a few events just outside the period. The verifier recomputes every head
 *   inside the range from the events.
 *
 * Events are re-serialized from the stored rows by the same function the sequencer hashed, and
 * proofs come from the stored tree: rows changed after sequencing no longer match their signed
 * roots, which is exactly what the offline verifier reports.
 */
export async function exportBundle(
  query: Queryable,
  keys: AuditKeys,
  request: BundleExportRequest,
  directory: string,
  options: BundleExportOptions = {},
): Promise<ExportedBundle> {
  if (!(request.from < request.to)) throw new AuditError('INVALID_TIME_RANGE', '`from` must be before `to`');
  const pageSize = options.pageSize ?? 5_000;
  const latest = await latestTreeHead(query);
  if (!latest) throw new AuditError('NO_TREE_HEAD', 'The audit log has no signed tree head yet');
  const scope: BundleScope = request.institutionId === null ? 'full' : 'filtered';

  let heads: SignedTreeHead[];
  let leafRange: { start: number; end: number } | null = null;
  if (scope === 'full') {
    const start = await treeHeadsAround(query, request.from);
    const end = await treeHeadsAround(query, request.to);
    const endHead = end.after ?? latest;
    leafRange = { start: start.before?.treeSize ?? 0, end: endHead.treeSize };
    heads = [...(start.before ? [start.before] : []), ...(await treeHeadsBetween(query, request.from, request.to)), endHead, latest];
  } else {
    heads = [...(await treeHeadsBetween(query, request.from, request.to)), latest];
  }
  heads = thin(dedupe(heads), options.maxTreeHeads ?? 1_000);

  await mkdir(directory, { recursive: true });
  const consistencyNodes = heads.slice(1).flatMap((head, i) => consistencyProofPlan(heads[i]!.treeSize, head.treeSize).nodes);
  const rangeNodes = leafRange ? [...rootPlan(leafRange.start), ...consistencyProofPlan(leafRange.end, latest.treeSize).nodes] : [];
  let missingNodes = 0;
  const missing = (): Uint8Array => {
    missingNodes++;
    return MISSING_NODE;
  };
  const treeNodes = await fetchNodes(query, uniqueNodes([...consistencyNodes, ...rangeNodes]), missing);
  const consistency = consistencyBetweenHeads(heads, treeNodes);
  const range = leafRange ? rangeProof(leafRange.start, leafRange.end, latest.treeSize, treeNodes) : null;

  const eventsFile = await BufferedFile.create(join(directory, BUNDLE_FILES.events));
  const proofsFile = await BufferedFile.create(join(directory, BUNDLE_FILES.proofs));
  const proofs = new ProofsFileWriter(proofsFile.write);
  let eventCount = 0;
  let firstLeafIndex: number | null = null;
  let lastLeafIndex: number | null = null;
  try {
    await proofs.begin(latest.treeSize, consistency, range);
    await query(`select set_config('jit', 'off', true)`);
    for await (const rows of eventPages(query, request, leafRange, latest.treeSize, pageSize)) {
      const leaves = rows.map((row) => Number(row.leaf_index));
      const lines = rows.map((row, i) => `{"event":${leafOf(storedEventFromRow(row), leaves[i]!).canonical},"leafIndex":${leaves[i]}}\n`);
      await eventsFile.write(lines.join(''));
      if (scope === 'filtered') {
        const plans = leaves.map((leaf) => inclusionProofPlan(leaf, latest.treeSize));
        const nodes = await fetchNodes(query, uniqueNodes(plans.flatMap((plan) => plan.nodes)), missing);
        for (const [i, plan] of plans.entries()) {
          await proofs.inclusion({ leafIndex: leaves[i]!, proof: assembleProof(plan, nodes).map(toHex) });
        }
      }
      eventCount += rows.length;
      firstLeafIndex ??= leaves[0]!;
      lastLeafIndex = leaves[leaves.length - 1]!;
    }
    await proofs.end();
  } finally {
    await eventsFile.close();
    await proofsFile.close();
  }

  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    institution: request.institutionId,
    scope,
    timeRange: { from: request.from.toISOString(), to: request.to.toISOString() },
    eventCount,
    treeHeadCount: heads.length,
    firstLeafIndex,
    lastLeafIndex,
    latestTreeSize: latest.treeSize,
    publicKeyId: keys.keyId,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
  };
  await writeFile(join(directory, BUNDLE_FILES.treeHeads), heads.map((head) => `${canonicalJson(head)}\n`).join(''));
  // public-key.pem stays the current key, as in bundles written before key rotation.
  await writeFile(join(directory, BUNDLE_FILES.publicKey), keys.publicKeyPem);
  await writeFile(join(directory, BUNDLE_FILES.publicKeys), serializeBundledPublicKeys(headSigningKeys(heads, keys)));
  await writeFile(join(directory, BUNDLE_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, missingNodes };
}

type ExportRow = AuditEventRow & { leaf_index: string };

/**
 * The exported events in leaf order, a page at a time, each page one indexed query:
 * - full: consecutive leaf ranges (a range scan of audit_leaves, then the events by id);
 * - filtered: the institution's (leaf, event id) pairs first — small, sorted in memory — then
 *   the events by id, a page at a time. (One ordered query would have PostgreSQL either walk
 *   every leaf of the log or sort whole rows.)
 */
async function* eventPages(
  query: Queryable,
  request: BundleExportRequest,
  leafRange: { start: number; end: number } | null,
  latestTreeSize: number,
  pageSize: number,
): AsyncGenerator<ExportRow[]> {
  if (leafRange) {
    for (let start = leafRange.start; start < leafRange.end; start += pageSize) {
      const rows = await query<ExportRow>(
        `select ${EVENT_COLUMNS}, l.leaf_index from audit_leaves l join audit_events e on e.id = l.event_id
          where l.leaf_index >= $1 and l.leaf_index < $2 order by l.leaf_index`,
        [start, Math.min(leafRange.end, start + pageSize)],
      );
      if (rows.length > 0) yield rows;
    }
    return;
  }
  const index = await query<{ leaf_index: string; id: string }>(
    `select l.leaf_index, e.id from audit_events e join audit_leaves l on l.event_id = e.id
      where e.tenant_id = $1 and e.occurred_at >= $2 and e.occurred_at < $3 and l.leaf_index < $4`,
    [request.institutionId, request.from, request.to, latestTreeSize],
  );
  const ordered = index.map((row) => ({ leaf: Number(row.leaf_index), id: row.id })).sort((a, b) => a.leaf - b.leaf);
  for (let start = 0; start < ordered.length; start += pageSize) {
    const page = ordered.slice(start, start + pageSize);
    const rows = await query<ExportRow>(
      `select ${EVENT_COLUMNS}, l.leaf_index from audit_events e join audit_leaves l on l.event_id = e.id where e.id = any($1::uuid[])`,
      [page.map((entry) => entry.id)],
    );
    rows.sort((a, b) => Number(a.leaf_index) - Number(b.leaf_index));
    if (rows.length > 0) yield rows;
  }
}

function dedupe(heads: SignedTreeHead[]): SignedTreeHead[] {
  const seen = new Set<string>();
  return heads
    .filter((head) => {
      const key = `${head.treeSize}@${head.timestamp}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.treeSize - b.treeSize || a.timestamp.localeCompare(b.timestamp));
}

/** Keeps the first and last heads and an even spread in between. */
function thin(heads: SignedTreeHead[], max: number): SignedTreeHead[] {
  if (heads.length <= max) return heads;
  const step = (heads.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => heads[Math.round(i * step)]!);
}

function uniqueNodes(nodes: readonly NodeId[]): NodeId[] {
  const byKey = new Map<string, NodeId>();
  for (const node of nodes) byKey.set(`${node.level}:${node.index}`, node);
  return [...byKey.values()];
}
