const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest bracket nesting of a JSON text, counted in one linear pass over the bytes (brackets
 * inside strings ignored), stopping as soon as `limit` is exceeded. Run before `JSON.parse`, so a
 * body nested thousands deep is refused before anything recursive (parse, policy scan, stringify
 * for the upstream) ever sees it. Works on the UTF-8 bytes: `"`, `\`, `[`, `{`, `]`, `}` never occur
 * inside a multi-byte sequence. String contents are skipped with `indexOf` (memchr), so prompt text
 * costs next to nothing; each backslash run is looked at once, by the quote that ends it.
 */
export function exceedsJsonDepth(bytes: Buffer, limit: number): boolean {
  let depth = 0;
  const length = bytes.length;
  for (let index = 0; index < length; index++) {
    const byte = bytes[index];
    if (byte === QUOTE) {
      const end = closingQuote(bytes, index);
      if (end === -1) return false; // unterminated string: not JSON, JSON.parse says so
      index = end;
    } else if (byte === 0x5b /* [ */ || byte === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (byte === 0x5d /* ] */ || byte === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

/** The index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(bytes: Buffer, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote === -1) return -1;
    let backslashes = 0;
    for (let before = quote - 1; before > open && bytes[before] === BACKSLASH; before--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}
