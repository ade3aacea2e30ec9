import { HashedEventChunk } from './hashed-event-chunk';

/** One events.jsonl line without its terminator, as text or as the UTF-8 bytes read from the file. */
export type EventLine = string | Uint8Array;

/**
 * events.jsonl lines, either in memory or streamed. An async item may be one line, a batch of lines,
 * or a block of lines already scanned and leaf-hashed (hashEventLines, e.g. on worker threads).
 */
export type EventLineSource = Iterable<EventLine> | AsyncIterable<EventLine | readonly EventLine[] | HashedEventChunk>;

/**
 * The contents of a bundle directory, as the pure verifier consumes them. Files stay raw text so
 * that an unreadable file is reported as a verification failure, not an exception.
 */
export interface AuditBundle {
  /** manifest.json */
  readonly manifest: string;
  /** tree-heads.jsonl, one signed tree head per line */
  readonly treeHeads: readonly string[];
  /** proofs.json */
  readonly proofs: string;
  /** public-key.pem, or null when the bundle has none */
  readonly publicKeyPem: string | null;
  /** public-keys.json (every key that signed a bundled head); absent or null in bundles written before key rotation */
  readonly publicKeysJson?: string | null;
  /** events.jsonl, one canonical event line per item, without line terminators */
  readonly events: EventLineSource;
}
