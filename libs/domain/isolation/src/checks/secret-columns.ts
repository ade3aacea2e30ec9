/**
 * What the secret checks scan and what they flag, apart from the SQL that reads the catalog: which
 * columns are scanned, which are named for prompt or response content, which JSON keys look like a
 * prompt, and how a needle becomes a LIKE pattern.
 */

/** Tables the scans skip: the verification's own records (canaries carry the marker on purpose). */
export const SCAN_EXCLUDED: ReadonlySet<string> = new Set([
  'isolation_canaries',
  'isolation_runs',
  'isolation_check_results',
  'isolation_alerts',
  'migrations',
]);

export interface TextColumn {
  table: string;
  column: string;
  type: string;
}

/** Column names that suggest prompt or response content. */
export const PROMPT_COLUMN = /(prompt|completion|response|message|content|input|output)/i;
/** Named like content but hold HMACs (keyed digests), never the text. */
export const ALLOWED_PROMPT_COLUMNS: ReadonlySet<string> = new Set(['audit_events.prompt_hmac', 'audit_events.response_hmac']);
/** Keys of a JSON object that carry a prompt or a completion in the OpenAI shapes. */
export const PROMPT_KEYS: readonly string[] = ['messages', 'prompt', 'input', 'content', 'completion', 'choices'];

export function scannedColumns(columns: readonly TextColumn[]): TextColumn[] {
  return columns.filter((column) => !SCAN_EXCLUDED.has(column.table));
}

/**
 * Non-JSON columns named for prompt or response content, except the allowed HMAC columns. JSON
 * columns are judged by their values instead (prompt-shaped keys), since names like `details` say
 * nothing.
 */
export function promptNamedColumns(columns: readonly TextColumn[]): TextColumn[] {
  return columns.filter(
    (column) => column.type !== 'jsonb' && PROMPT_COLUMN.test(column.column) && !ALLOWED_PROMPT_COLUMNS.has(`${column.table}.${column.column}`),
  );
}

/** `%needle%` for `LIKE` (default escape `\`): the needle's own `%`, `_` and `\` match literally. */
export function containsPattern(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Share of printable ASCII bytes: encrypted values look random, a stored plain secret looks like text. */
export function printableShare(bytes: Uint8Array): number {
  if (!bytes.length) return 0;
  let printable = 0;
  for (const byte of bytes) if (byte >= 0x20 && byte < 0x7f) printable++;
  return printable / bytes.length;
}
