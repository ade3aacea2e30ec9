// What pino replaces with '[redacted]': exact paths, not a key-name pattern, so counts and ids that
// merely share a word (`apiKeys: 3`, `promptTokens`, `apiKeyId`) stay readable. Every credential and
// prompt key at the top of a log line's fields, and the credential headers of a request or
// response. No wildcard paths: with @pinojs/redact each costs ~3 µs per line (measured: 5 of them
// took a line from 6 to 23 µs; the hand-written logger took 9), so nested objects are not searched —
// log ids and counts, not whole objects.
const CREDENTIAL_KEYS = [
  'authorization',
  'cookie',
  'password',
  'passphrase',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'bearer',
  'apiKey',
  'api_key',
  'x-api-key',
  'credential',
  'credentials',
  'upstreamCredential',
  'privateKey',
  'kek',
];
// What a member institution sent to a model, or received from it: never in a log line.
const PROMPT_KEYS = ['prompt', 'messages', 'input', 'instructions', 'completion', 'choices', 'body'];
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key'];
const HEADER_HOLDERS = ['headers', 'req.headers', 'res.headers', 'request.headers', 'response.headers'];

/** `key` as a pino path segment: bare when it is an identifier, bracketed otherwise. */
function segment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
}

export const REDACTED_PATHS: readonly string[] = [
  ...[...CREDENTIAL_KEYS, ...PROMPT_KEYS].map((key) => segment(key).replace(/^\./, '')),
  ...HEADER_HOLDERS.flatMap((holder) => CREDENTIAL_HEADERS.map((header) => `${holder}${segment(header)}`)),
];

export const REDACTED = '[redacted]';
