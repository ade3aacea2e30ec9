/**
 * The deepest bracket nesting of a JSON text, counted in one linear pass over the bytes (brackets
 * inside strings ignored), stopping as soon as `limit` is exceeded. Run before `JSON.parse`, so a
 * body nested thousands deep is refused before anything recursive (parse, policy scan, stringify
 * for the upstream) ever sees it. Works on the UTF-8 bytes: `"`, `\`, `[`, `{`, `]`, `}` never occur
 * inside a multi-byte sequence.
 */
export function exceedsJsonDepth(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (inString) {
      if (byte === 0x5c /* \ */) index++;
      else if (byte === 0x22 /* " */) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b /* [ */ || byte === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (byte === 0x5d /* ] */ || byte === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}
