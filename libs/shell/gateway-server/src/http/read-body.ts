import type { IncomingMessage } from 'node:http';
import { GatewayError } from './openai-error';
import { exceedsJsonDepth } from './json-depth';

/** Reads the whole body, refusing (without buffering further) anything over `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.once('error', reject);
    // A client gone (or cut off by the server's request timeout) before the body ended.
    req.once('close', () => {
      if (!req.complete) reject(new GatewayError(400, 'invalid_request_error', 'incomplete_body', 'The request body did not arrive in full'));
    });
  });
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError(413, 'invalid_request_error', 'request_too_large', `Request body exceeds the limit of ${limit} bytes`);
}

/**
 * The body as a JSON object. Nesting deeper than `maxDepth` is refused before parsing: every later
 * step (validation, the policy's scan, serialising for the upstream) may then recurse safely.
 */
export function parseJsonObject(body: Buffer, maxDepth: number): Record<string, unknown> {
  if (exceedsJsonDepth(body, maxDepth)) {
    throw new GatewayError(400, 'invalid_request_error', 'json_too_deep', `The request body is nested more than ${maxDepth} levels deep`);
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new GatewayError(400, 'invalid_request_error', 'invalid_json', 'The request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GatewayError(400, 'invalid_request_error', 'invalid_json', 'The request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
