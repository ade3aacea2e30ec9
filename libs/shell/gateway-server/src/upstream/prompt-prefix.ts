import type { UpstreamOperation } from './upstream-request';

/** Characters of prompt text hashed at most (the work per request is bounded by this, not the prompt). */
export const PREFIX_WINDOW_CHARS = 4096;
/** A shared prefix shorter than this saves the model little: no affinity. */
export const MIN_PREFIX_CHARS = 256;

/**
 * The affinity key of a request: a 32-bit FNV-1a hash of the stable head of its prompt — for chat,
 * every message before the last (system prompt, RAG context, earlier turns), bounded to
 * PREFIX_WINDOW_CHARS; a lone message, or a legacy prompt, counts by its first MIN_PREFIX_CHARS × 4
 * characters when longer than that; for responses, `instructions`. Undefined when there is no long
 * prefix. Cost: one pass over at most PREFIX_WINDOW_CHARS characters (no allocation of the text).
 */
export function promptPrefixKey(operation: UpstreamOperation, body: Readonly<Record<string, unknown>>): number | undefined {
  const hasher = new PrefixHasher(PREFIX_WINDOW_CHARS);
  if (operation === 'chat') {
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) return undefined;
    if (messages.length === 1) return longHead(hasher, contentOf(messages[0]));
    for (let index = 0; index < messages.length - 1 && !hasher.full; index++) {
      const message = messages[index] as { role?: unknown } | null;
      hasher.add(typeof message?.role === 'string' ? message.role : '');
      hasher.add(contentOf(message));
    }
  } else if (operation === 'completions') {
    return longHead(hasher, typeof body.prompt === 'string' ? body.prompt : '');
  } else if (operation === 'responses') {
    hasher.add(typeof body.instructions === 'string' ? body.instructions : '');
    if (hasher.length === 0 && Array.isArray(body.input) && body.input.length > 1) {
      for (let index = 0; index < body.input.length - 1 && !hasher.full; index++) hasher.add(contentOf(body.input[index]));
    }
  } else {
    return undefined;
  }
  return hasher.length >= MIN_PREFIX_CHARS ? hasher.value : undefined;
}

function longHead(hasher: PrefixHasher, text: string): number | undefined {
  const head = MIN_PREFIX_CHARS * 4;
  if (text.length <= head) return undefined;
  hasher.add(text, head);
  return hasher.value;
}

/** The text of a message's content: a string, or the text parts of an array (other parts ignored). */
function contentOf(message: unknown): string {
  const content = (message as { content?: unknown } | null)?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    const value = (part as { text?: unknown } | null)?.text;
    if (typeof value === 'string') text += value;
    if (text.length >= PREFIX_WINDOW_CHARS) break;
  }
  return text;
}

/** FNV-1a over UTF-16 code units, stopping at a fixed number of characters. */
class PrefixHasher {
  value = 0x811c9dc5;
  length = 0;
  constructor(private readonly limit: number) {}

  get full(): boolean {
    return this.length >= this.limit;
  }

  add(text: string, max = Number.POSITIVE_INFINITY): void {
    const end = Math.min(text.length, max, this.limit - this.length);
    let hash = this.value;
    for (let index = 0; index < end; index++) {
      hash ^= text.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193);
    }
    this.value = hash >>> 0;
    this.length += end;
    // A separator, so ["ab","c"] and ["a","bc"] differ.
    if (end > 0 && !this.full) this.value = Math.imul(this.value ^ 0x1f, 0x01000193) >>> 0;
  }
}
