import type { IncomingMessage } from 'node:http';
import { isJsonObject, type JsonObject } from './json-fields';
import { OpenAiError, invalidRequest } from './openai-error';

/** Raised when the client disconnects before its body arrived; there is nobody left to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super('client disconnected while sending the request body');
    this.name = 'ClientGoneError';
  }
}

/** Reads and parses a JSON object body of at most `maxBytes`. */
export function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<JsonObject> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: () => Error): void => {
      if (settled) return;
      settled = true;
      reject(error());
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        fail(() => new OpenAiError(413, `Request body exceeds the simulator limit of ${maxBytes} bytes.`, 'invalid_request_error', null, 'request_too_large'));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (settled) return;
      settled = true;
      try {
        resolve(parseObject(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
      } catch (error) {
        reject(error);
      }
    });
    // 'close' also follows a normal 'end'; the error is only built when it matters.
    const clientGone = (): void => fail(() => new ClientGoneError());
    request.on('error', clientGone);
    request.on('close', clientGone);
  });
}

function parseObject(bytes: Buffer): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw invalidRequest(`We could not parse the JSON body of your request. The API expects a JSON payload (${(error as Error).message}).`);
  }
  if (!isJsonObject(parsed)) throw invalidRequest('The request body must be a JSON object.');
  return parsed;
}
