import type { IncomingHttpHeaders } from 'node:http';

/** The key a client presented: OpenAI's `Authorization: Bearer <key>` or Azure's `api-key: <key>`. */
export function presentedApiKey(headers: IncomingHttpHeaders): string | null {
  const azureKey = headers['api-key'];
  if (typeof azureKey === 'string' && azureKey.length > 0) return azureKey;
  const authorization = headers.authorization;
  if (authorization === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match === null ? authorization : match[1];
}
