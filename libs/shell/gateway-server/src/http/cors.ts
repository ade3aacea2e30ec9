import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a browser page may send and read: the console's playground calls the gateway with its short-lived key. */
const ALLOWED_HEADERS = 'authorization, content-type, x-data-classification, x-request-id';

/**
 * CORS for the configured browser origins only (exact match; GATEWAY_CORS_ORIGINS): the response
 * names that origin, exposes x-request-id, and a preflight is answered here. Any other origin gets
 * no CORS header, so browsers keep other sites' pages from calling the gateway with a key they hold.
 * Returns true when the request was a preflight and has been answered.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || allowed.size === 0) return false;
  res.setHeader('vary', 'origin');
  if (!allowed.has(origin)) return false;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-expose-headers', 'x-request-id');
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': ALLOWED_HEADERS,
    'access-control-max-age': '600',
    'content-length': 0,
  });
  res.end();
  return true;
}
