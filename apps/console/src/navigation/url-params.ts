/** path?search with some parameters set or (null, '') removed: filters and cursors live in the URL. */
export function urlWith(path: string, search: URLSearchParams, changes: Record<string, string | null | undefined>): string {
  const params = new URLSearchParams(search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '') params.delete(name);
    else params.set(name, value);
  }
  return params.size ? `${path}?${params}` : path;
}

/** A URL parameter that must be one of a fixed set of values (anything else is ignored). */
export function oneOf<T extends string>(search: URLSearchParams, name: string, values: readonly T[]): T | undefined {
  const value = search.get(name);
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : undefined;
}
