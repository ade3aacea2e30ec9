import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuditBundle,
  buildBundle,
  BundleScope,
  BUNDLE_FILES,
  InMemoryAuditLog,
  JsonValue,
  privateKeyFromSeed,
  publicKeyOf,
  publicKeyToPem,
  SignedTreeHead,
} from '@ai-commons/audit-proofs';

export const SIGNING_KEY = privateKeyFromSeed(Buffer.alloc(32, 42));
export const PUBLIC_KEY = publicKeyOf(SIGNING_KEY);
const INSTITUTIONS = ['kb-bank', 'shinhan', 'woori', 'hana'];
const START = Date.UTC(2025, 5, 1);

function auditEvent(sequence: number): JsonValue {
  return {
    id: `evt-${sequence}`,
    at: new Date(START + sequence * 1000).toISOString(),
    institution: INSTITUTIONS[sequence % INSTITUTIONS.length]!,
    action: sequence % 2 === 0 ? 'model.invoke' : 'quota.check',
    detail: { endpoint: `ep-${sequence % 5}`, tokens: sequence * 13, note: '모델 호출' },
  };
}

/** A log of 150 events in six group commits, with a signed tree head after each. */
export function sampleLog(): { log: InMemoryAuditLog; heads: SignedTreeHead[] } {
  const log = new InMemoryAuditLog(SIGNING_KEY);
  const heads: SignedTreeHead[] = [];
  for (const size of [16, 9, 40, 1, 33, 51]) {
    const first = log.treeSize;
    log.append(Array.from({ length: size }, (_, i) => auditEvent(first + i)));
    heads.push(log.signTreeHead(new Date(START + heads.length * 3_600_000)));
  }
  return { log, heads };
}

export function sampleBundle(scope: BundleScope, institution?: string): AuditBundle {
  const { log, heads } = sampleLog();
  const events = scope === 'full' ? log.events : log.events.filter((e) => (e.event as { institution: string }).institution === institution);
  return buildBundle({
    institution: institution ?? null,
    scope,
    timeRange: { from: new Date(START).toISOString(), to: new Date(START + 86_400_000).toISOString() },
    createdAt: new Date(START + 86_400_000).toISOString(),
    events,
    treeHeads: heads,
    publicKey: PUBLIC_KEY,
    nodes: log.nodes,
  });
}

export interface BundleDirectory {
  readonly root: string;
  readonly bundleDir: string;
  readonly pinnedKeyPath: string;
  readonly remove: () => Promise<void>;
}

/** Writes a bundle as the export job would: one file per part, JSON lines terminated by "\n". */
export async function writeBundleDirectory(bundle: AuditBundle): Promise<BundleDirectory> {
  const root = await mkdtemp(join(tmpdir(), 'audit-bundle-'));
  const bundleDir = join(root, 'bundle');
  const pinnedKeyPath = join(root, 'pinned.pem');
  await mkdir(bundleDir);
  const jsonl = (lines: Iterable<string | Uint8Array>): string => [...lines].map((line) => `${String(line)}\n`).join('');
  await Promise.all([
    writeFile(join(bundleDir, BUNDLE_FILES.manifest), bundle.manifest),
    writeFile(join(bundleDir, BUNDLE_FILES.treeHeads), jsonl(bundle.treeHeads)),
    writeFile(join(bundleDir, BUNDLE_FILES.proofs), bundle.proofs),
    writeFile(join(bundleDir, BUNDLE_FILES.publicKey), bundle.publicKeyPem ?? ''),
    writeFile(join(bundleDir, BUNDLE_FILES.events), jsonl(bundle.events as Iterable<string>)),
    ...(bundle.publicKeysJson ? [writeFile(join(bundleDir, BUNDLE_FILES.publicKeys), bundle.publicKeysJson)] : []),
    writeFile(pinnedKeyPath, publicKeyToPem(PUBLIC_KEY)),
  ]);
  return { root, bundleDir, pinnedKeyPath, remove: () => rm(root, { recursive: true, force: true }) };
}
