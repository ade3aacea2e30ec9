// A full export bundle of N events written without PostgreSQL, for timing the offline verifier alone:
//
//   node -r ./tools/register-ts.cjs test/bench/audit/synthetic-bundle.ts --events 1000000 --out /tmp/audit-verifier-1m
//
// Writes <out>/bundle (manifest.json, events.jsonl, tree-heads.jsonl, proofs.json, public-key.pem) and
// <out>/pinned.pem. The events follow audit-bench.ts's bulk fill (the same mix of admissions,
// completions, refusals, authentication failures and admin changes, as leafDocument lays them out),
// about 770 bytes per line as in the real export, and a tree head is signed every `events / 26` leaves
// plus one at the end (27 heads, as in the measured run). Takes about a minute for 1M events.
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import {
  BUNDLE_FILES,
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  canonicalJson,
  consistencyBetweenHeads,
  createTreeHead,
  HASH_SIZE,
  keyIdOf,
  leafHashOfUtf8,
  nodeHash,
  privateKeyFromSeed,
  publicKeyOf,
  publicKeyToPem,
  rangeProof,
  rootFromNodeLookup,
  serializeProofs,
  signTreeHead,
  type BundleManifest,
  type JsonValue,
  type NodeLookup,
  type SignedTreeHead,
} from '@ai-commons/audit-proofs';

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 9, 1);
const TENANTS = ['6f1c2a8e-4b7d-4c1e-9a53-0d2f8e7b6a41', '0b9d7e3c-2f6a-4d8b-8c15-7e4a9f3d2c60', 'c3e8a1f5-9d2b-4a7c-b6e0-5f1d8c4a7e92'];
const ENDPOINT = '9a4e6c2b-1d8f-4e3a-a7c5-3b0f9d6e2a18';

/** The leaf document of bulk-filled event g (audit-bench.ts fillTo), as leafDocument builds it. */
export function syntheticEvent(g: number, total: number): JsonValue {
  const kind = g % 20;
  const tenant = TENANTS[g % 3]!;
  const at = new Date(START + Math.floor((g * 30 * DAY_MS) / Math.max(1, total))).toISOString();
  const completion = kind >= 9 && kind <= 16;
  const failed = completion && g % 50 === 0;
  const actor: JsonValue =
    kind === 18
      ? { subject: 'anonymous', sourceAddress: `203.0.113.${g % 250}` }
      : kind === 19
        ? {
            subject: `user-${g % 12}`,
            username: `analyst-${g % 12}`,
            roles: ['platform-admin'],
            clientId: 'ai-commons-cli',
            authMethod: 'keycloak-user',
            sourceAddress: `10.1.0.${g % 250}`,
          }
        : {
            subject: `api-key:${g % 40}`,
            username: `api-key:${g % 40}`,
            institutionId: tenant,
            roles: ['tenant-member'],
            clientId: `key-${g % 40}`,
            authMethod: 'api-key',
            sourceAddress: `10.0.${g % 7}.${g % 250}`,
          };
  const action =
    kind <= 8
      ? 'gateway.request.admitted'
      : kind <= 16
        ? 'gateway.request.completed'
        : kind === 17
          ? 'gateway.request.rejected'
          : kind === 18
            ? 'authentication.failure'
            : 'institution.update';
  const details: JsonValue =
    kind <= 8
      ? { operation: 'chat', estimatedTokens: 100 + (g % 400) }
      : kind <= 16
        ? { operation: 'chat', result: failed ? 'upstream_error' : 'success' }
        : kind === 17
          ? { code: 'quota_exceeded', method: 'POST' }
          : kind === 18
            ? { code: 'invalid_api_key', method: 'POST' }
            : { before: { nameEn: `old ${g}` }, after: { nameEn: `new ${g}` } };
  const request: Record<string, JsonValue> = {};
  if (kind <= 17) Object.assign(request, { endpoint: 'bench-model', model: 'bench-model', dataClassification: 'internal' });
  if (completion)
    Object.assign(request, { promptTokens: 50 + (g % 700), completionTokens: 16 + (g % 300), latencyMs: 60 + (g % 900), httpStatus: failed ? 502 : 200 });
  if (kind === 17 || kind === 18) request['httpStatus'] = kind === 17 ? 429 : 401;
  if (kind <= 8) request['policyDecision'] = 'allow';
  if (kind === 17) request['policyDecision'] = 'deny:quota_exceeded';
  if (kind <= 8) request['promptHmac'] = createHash('sha256').update(`prompt ${g}`).digest('hex');
  return {
    v: 1,
    id: uuidOf(g),
    leafIndex: g,
    timestamp: at,
    institutionId: kind === 18 ? null : tenant,
    requestId: `bulk-${g}`,
    actor,
    action,
    resource: {
      type: kind <= 17 ? 'endpoint' : kind === 18 ? 'gateway' : 'institution',
      id: kind <= 17 ? ENDPOINT : kind === 18 ? '/v1/chat/completions' : tenant,
    },
    outcome: kind === 17 || kind === 18 ? 'denied' : failed ? 'failure' : 'success',
    ...(Object.keys(request).length > 0 ? { request } : {}),
    details,
  };
}

function uuidOf(g: number): string {
  const hex = g.toString(16).padStart(12, '0');
  return `5e1f0c3a-7b2d-4e9a-8c6f-${hex}`;
}

/**
 * Every perfect subtree hash of the log, level by level in packed buffers (2n hashes in all): the
 * NodeLookup the bundle's range and consistency proofs are assembled from.
 */
class PackedTree {
  private readonly levels: Buffer[] = [];
  private readonly counts: number[] = [];

  constructor(capacity: number) {
    for (let size = capacity; size >= 1; size = Math.floor(size / 2)) {
      this.levels.push(Buffer.alloc(size * HASH_SIZE));
      this.counts.push(0);
    }
  }

  append(leaf: Uint8Array): void {
    let hash = leaf;
    for (let level = 0; ; level++) {
      const index = this.counts[level]!++;
      this.levels[level]!.set(hash, index * HASH_SIZE);
      if (index % 2 === 0 || level + 1 >= this.levels.length) return;
      hash = nodeHash(this.node(level, index - 1), hash);
    }
  }

  readonly lookup: NodeLookup = ({ level, index }) => {
    if (level >= this.levels.length || index >= this.counts[level]!) throw new Error(`node (${level}, ${index}) not built`);
    return this.node(level, index);
  };

  private node(level: number, index: number): Buffer {
    return this.levels[level]!.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }
}

export interface SyntheticBundle {
  readonly bundleDir: string;
  readonly pinnedKeyPath: string;
  readonly events: number;
}

export async function writeSyntheticBundle(out: string, events: number, headCount = 27): Promise<SyntheticBundle> {
  const bundleDir = path.join(out, 'bundle');
  await mkdir(bundleDir, { recursive: true });
  const signingKey = privateKeyFromSeed(Buffer.alloc(32, 7));
  const publicKey = publicKeyOf(signingKey);
  const tree = new PackedTree(events);
  const heads: SignedTreeHead[] = [];
  const headEvery = Math.max(1, Math.floor(events / (headCount - 1)));
  const signHead = (size: number) =>
    heads.push(signTreeHead(createTreeHead(size, rootFromNodeLookup(size, tree.lookup), new Date(START + heads.length * 60_000)), signingKey));

  const stream = createWriteStream(path.join(bundleDir, BUNDLE_FILES.events), { highWaterMark: 4 * 1024 * 1024 });
  let pending: string[] = [];
  for (let g = 0; g < events; g++) {
    const canonical = canonicalJson(syntheticEvent(g, events));
    tree.append(leafHashOfUtf8(canonical));
    pending.push(`{"event":${canonical},"leafIndex":${g}}\n`);
    if (pending.length === 5_000) {
      if (!stream.write(pending.join(''))) await once(stream, 'drain');
      pending = [];
    }
    if ((g + 1) % headEvery === 0 && g + 1 < events) signHead(g + 1);
  }
  stream.end(pending.join(''));
  await once(stream, 'finish');
  signHead(events);

  const latest = heads[heads.length - 1]!;
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    institution: null,
    scope: 'full',
    timeRange: { from: new Date(START).toISOString(), to: new Date(START + 30 * DAY_MS).toISOString() },
    eventCount: events,
    treeHeadCount: heads.length,
    firstLeafIndex: events > 0 ? 0 : null,
    lastLeafIndex: events > 0 ? events - 1 : null,
    latestTreeSize: latest.treeSize,
    publicKeyId: keyIdOf(publicKey),
    createdAt: new Date(START + 30 * DAY_MS).toISOString(),
  };
  const proofs = serializeProofs({
    treeSize: latest.treeSize,
    consistency: consistencyBetweenHeads(heads, tree.lookup),
    inclusion: [],
    range: rangeProof(0, events, latest.treeSize, tree.lookup),
  });
  const pinnedKeyPath = path.join(out, 'pinned.pem');
  await Promise.all([
    writeFile(path.join(bundleDir, BUNDLE_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`),
    writeFile(path.join(bundleDir, BUNDLE_FILES.treeHeads), heads.map((head) => `${canonicalJson(head)}\n`).join('')),
    writeFile(path.join(bundleDir, BUNDLE_FILES.proofs), proofs),
    writeFile(path.join(bundleDir, BUNDLE_FILES.publicKey), publicKeyToPem(publicKey)),
    writeFile(pinnedKeyPath, publicKeyToPem(publicKey)),
  ]);
  return { bundleDir, pinnedKeyPath, events };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const option = (name: string, fallback: string): string => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1]! : fallback;
  };
  const events = Number(option('events', '1000000'));
  const out = path.resolve(option('out', '/tmp/audit-verifier-bundle'));
  writeSyntheticBundle(out, events).then(
    (bundle) => process.stdout.write(`wrote ${bundle.events} events to ${bundle.bundleDir}; pinned key ${bundle.pinnedKeyPath}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
