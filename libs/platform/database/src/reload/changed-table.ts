/**
 * The table a `ai_commons_changes` notification names (the triggers send `{"table", "op"}`), or
 * undefined when the payload names none or is not JSON.
 */
export function changedTable(payload: string | undefined): string | undefined {
  if (!payload) return undefined;
  try {
    const table = (JSON.parse(payload) as { table?: unknown } | null)?.table;
    return typeof table === 'string' ? table : undefined;
  } catch {
    return undefined;
  }
}
