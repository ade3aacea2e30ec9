/**
 * A text of the request body that goes upstream, as a reference that can be written back. The
 * policy scans these and, when it masks, the masked texts replace them in place in the body, which
 * is what the upstream receives.
 */
export interface ForwardedText {
  text: string;
  write(masked: string): void;
}

/** Integers this long can hold a phone, account, card or registration number (9 digits and up). */
const SMALLEST_NUMBER_WORTH_SCANNING = 1e8;

/** Sets a property as data: a key such as `__proto__` (kept as an own property by JSON.parse) must not reach a setter. */
function setOwn(holder: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(holder, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Renames `key` in place, keeping the order of the other properties. */
function renameKey(holder: Record<string, unknown>, key: string, renamed: string): void {
  if (!Object.prototype.hasOwnProperty.call(holder, key)) return;
  const entries = Object.entries(holder);
  for (const [name] of entries) delete holder[name];
  for (const [name, value] of entries) setOwn(holder, name === key ? renamed : name, value);
}

/**
 * Every text of the body the upstream receives, found by walking all of it rather than a list of
 * known fields: each string value at any depth (message `content` and `name`, tool-call arguments,
 * `tool_call_id`, tool descriptions and schemas, refusal parts, `image_url` URLs, `user`,
 * `metadata`, `prediction`, fields no one has thought of yet), each object key, and each integer of
 * nine digits or more (written back as the masked text: a number cannot hold a '*'). Keys come
 * last, so values are written back under their original key before any key is renamed. Iterative,
 * so the body's depth costs no stack; each value is visited once.
 */
export function forwardedTextsOf(body: Record<string, unknown>): ForwardedText[] {
  const values: ForwardedText[] = [];
  const keys: ForwardedText[] = [];
  const pending: (Record<string, unknown> | unknown[])[] = [body];
  const visit = (value: unknown, write: (masked: string) => void) => {
    if (typeof value === 'string') values.push({ text: value, write });
    else if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= SMALLEST_NUMBER_WORTH_SCANNING) {
      values.push({ text: String(value), write });
    } else if (value !== null && typeof value === 'object') pending.push(value as Record<string, unknown> | unknown[]);
  };
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, (masked) => (node[index] = masked)));
      continue;
    }
    for (const key of Object.keys(node)) {
      visit(node[key], (masked) => setOwn(node, key, masked));
      keys.push({ text: key, write: (masked) => renameKey(node, key, masked) });
    }
  }
  return [...values, ...keys];
}
