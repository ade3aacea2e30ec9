// What changed between two policy versions, path by path (RFC 6901 pointers to leaves): clearer than
// a text diff of two pretty-printed documents, and small enough to need no library.

export type JsonChange =
  | { readonly kind: 'added'; readonly path: string; readonly after: unknown }
  | { readonly kind: 'removed'; readonly path: string; readonly before: unknown }
  | { readonly kind: 'changed'; readonly path: string; readonly before: unknown; readonly after: unknown };

const isContainer = (value: unknown): value is Record<string, unknown> | unknown[] => typeof value === 'object' && value !== null;
const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Leaves (and empty containers) by pointer, in document order. */
function leaves(value: unknown, path: string, into: Map<string, unknown>): Map<string, unknown> {
  if (isContainer(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, `${path}/${escape(key)}`, into);
  } else into.set(path, value);
  return into;
}

export function jsonDiff(before: unknown, after: unknown): JsonChange[] {
  const old = leaves(before, '', new Map());
  const next = leaves(after, '', new Map());
  const changes: JsonChange[] = [];
  for (const [path, value] of old) {
    if (!next.has(path)) changes.push({ kind: 'removed', path, before: value });
    else if (JSON.stringify(next.get(path)) !== JSON.stringify(value)) changes.push({ kind: 'changed', path, before: value, after: next.get(path) });
  }
  for (const [path, value] of next) if (!old.has(path)) changes.push({ kind: 'added', path, after: value });
  return changes;
}
