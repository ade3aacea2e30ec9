import { KeyObject } from 'node:crypto';
import { BundleEvent, buildBundle, BundleScope, InMemoryAuditLog, JsonValue, SignedTreeHead, AuditBundle } from '../src';

export const INSTITUTIONS = ['kb-bank', 'shinhan', 'woori', 'hana'] as const;
const START = Date.UTC(2025, 2, 1, 0, 0, 0);

/** An audit event shaped like the control plane's, with the non-ASCII text real logs carry. */
export function sampleEvent(sequence: number): JsonValue {
  const institution = INSTITUTIONS[sequence % INSTITUTIONS.length]!;
  return {
    id: `evt-${sequence.toString(36).padStart(8, '0')}`,
    at: new Date(START + sequence * 250).toISOString(),
    institution,
    actor: { id: `user-${sequence % 17}`, role: sequence % 5 === 0 ? 'admin' : 'analyst' },
    action: sequence % 3 === 0 ? 'model.invoke' : 'quota.check',
    detail: { model: 'kor-fin-llm-8b', promptTokens: (sequence * 37) % 4000, note: '감사 로그 항목' },
  };
}

export interface SampleLog {
  readonly log: InMemoryAuditLog;
  readonly heads: SignedTreeHead[];
}

/** Appends batches of sample events, signing a tree head after each batch. */
export function sampleLog(signingKey: KeyObject, batchSizes: readonly number[]): SampleLog {
  const log = new InMemoryAuditLog(signingKey);
  const heads: SignedTreeHead[] = [];
  for (const size of batchSizes) {
    const first = log.treeSize;
    log.append(Array.from({ length: size }, (_, i) => sampleEvent(first + i)));
    heads.push(log.signTreeHead(new Date(START + heads.length * 60_000)));
  }
  return { log, heads };
}

export interface BundleSelection {
  readonly scope: BundleScope;
  readonly institution?: string;
  /** Leaf range [from, to) for full exports. */
  readonly from?: number;
  readonly to?: number;
}

export function sampleBundle({ log, heads }: SampleLog, publicKey: KeyObject, selection: BundleSelection): AuditBundle {
  const events: BundleEvent[] =
    selection.scope === 'full'
      ? log.events.slice(selection.from ?? 0, selection.to ?? log.treeSize)
      : log.events.filter((e) => (e.event as { institution: string }).institution === selection.institution);
  return buildBundle({
    institution: selection.institution ?? null,
    scope: selection.scope,
    timeRange: { from: '2025-03-01T00:00:00.000Z', to: '2025-03-02T00:00:00.000Z' },
    createdAt: '2025-03-02T00:00:00.000Z',
    events,
    treeHeads: heads,
    publicKey,
    nodes: log.nodes,
  });
}

/** The bundle's event lines as an array (the fixtures always build them in memory). */
export function eventLines(bundle: AuditBundle): string[] {
  return [...(bundle.events as Iterable<string>)];
}
