import { asCount, asInstant, asNullable, asRecord, asString, malformed, parseJson } from './json-shape';

export const BUNDLE_FORMAT = 'ai-commons/audit-bundle';
export const BUNDLE_FORMAT_VERSION = 1;

/** File names inside a bundle directory. */
export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  events: 'events.jsonl',
  treeHeads: 'tree-heads.jsonl',
  proofs: 'proofs.json',
  publicKey: 'public-key.pem',
  publicKeys: 'public-keys.json',
} as const;

/**
 * full: every leaf in [firstLeafIndex, lastLeafIndex] is in the bundle (gap-free), so the verifier
 * recomputes tree roots from the events. filtered: a subset (e.g. one institution's events), each
 * with its own inclusion proof.
 */
export type BundleScope = 'full' | 'filtered';

export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: typeof BUNDLE_FORMAT_VERSION;
  /** Institution whose events were exported; null for an export of the whole log. */
  readonly institution: string | null;
  readonly scope: BundleScope;
  readonly timeRange: { readonly from: string; readonly to: string };
  readonly eventCount: number;
  readonly treeHeadCount: number;
  readonly firstLeafIndex: number | null;
  readonly lastLeafIndex: number | null;
  /** Size of the latest tree head, which all inclusion proofs refer to. */
  readonly latestTreeSize: number;
  /** keyIdOf the current signing key when the bundle was written, informative only: verifiers use pinned keys. */
  readonly publicKeyId: string;
  readonly createdAt: string;
}

const MANIFEST_FIELDS = [
  'format',
  'formatVersion',
  'institution',
  'scope',
  'timeRange',
  'eventCount',
  'treeHeadCount',
  'firstLeafIndex',
  'lastLeafIndex',
  'latestTreeSize',
  'publicKeyId',
  'createdAt',
];

export function parseManifest(text: string): BundleManifest {
  const record = asRecord(parseJson(text, 'manifest.json'), 'manifest', MANIFEST_FIELDS);
  const missing = MANIFEST_FIELDS.find((field) => !(field in record));
  if (missing !== undefined) throw malformed(`manifest is missing "${missing}"`);
  if (record['format'] !== BUNDLE_FORMAT) throw malformed(`manifest format must be "${BUNDLE_FORMAT}"`);
  if (record['formatVersion'] !== BUNDLE_FORMAT_VERSION) {
    throw malformed(`unsupported bundle formatVersion ${String(record['formatVersion'])} (this verifier reads ${BUNDLE_FORMAT_VERSION})`);
  }
  const scope = record['scope'];
  if (scope !== 'full' && scope !== 'filtered') throw malformed('manifest scope must be "full" or "filtered"');
  const timeRange = asRecord(record['timeRange'], 'manifest timeRange', ['from', 'to']);
  const from = asInstant(timeRange['from'], 'timeRange.from');
  const to = asInstant(timeRange['to'], 'timeRange.to');
  if (from > to) throw malformed('timeRange.from is after timeRange.to');
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    institution: asNullable(record['institution'], (v) => asString(v, 'institution')),
    scope,
    timeRange: { from, to },
    eventCount: asCount(record['eventCount'], 'eventCount'),
    treeHeadCount: asCount(record['treeHeadCount'], 'treeHeadCount'),
    firstLeafIndex: asNullable(record['firstLeafIndex'], (v) => asCount(v, 'firstLeafIndex')),
    lastLeafIndex: asNullable(record['lastLeafIndex'], (v) => asCount(v, 'lastLeafIndex')),
    latestTreeSize: asCount(record['latestTreeSize'], 'latestTreeSize'),
    publicKeyId: asString(record['publicKeyId'], 'publicKeyId'),
    createdAt: asInstant(record['createdAt'], 'createdAt'),
  };
}
