// The console's initial JavaScript (what index.html loads before anything is clicked: its module
// script and modulepreloads) must stay within the budget, gzip-compressed. Lazy chunks (pages,
// GraphiQL) do not count.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const INITIAL_JS_BUDGET_BYTES = 300 * 1024;

export function initialJavaScript(distDir) {
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const files = new Set();
  for (const match of html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)) files.add(match[1]);
  return [...files].map((url) => {
    const file = path.join(distDir, url.replace(/^\/console\//, ''));
    const bytes = readFileSync(file);
    return { url, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
}

export function checkBudget(distDir) {
  const files = initialJavaScript(distDir);
  const gzip = files.reduce((n, f) => n + f.gzip, 0);
  return { files, gzip, ok: files.length > 0 && gzip <= INITIAL_JS_BUDGET_BYTES };
}
