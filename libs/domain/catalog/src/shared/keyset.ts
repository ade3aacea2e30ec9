/**
 * A timestamp column at the precision cursors carry (JavaScript dates: milliseconds). Ordering and
 * comparing on it keeps keyset pages exact although PostgreSQL stores microseconds.
 */
export function millisecondsOf(column: string): string {
  return `date_trunc('milliseconds', ${column})`;
}
