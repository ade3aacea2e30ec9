// What pino replaces with '[redacted]': exact paths, at the top of a log line's fields and one level
// down (`*.key`), plus the credential headers of a request or response object. Paths, not a
// key-name pattern, so counts and ids that merely share a word (`apiKeys: 3`, `promptTokens`,
// `apiKeyId`) stay readable.
const CREDENTIAL_KEYS = [
  'authorization', 'cookie', 'password', 'passphrase', 'secret', 'clientSecret', 'client_secret',
  'token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'idToken', 'id_token', 'bearer',
  'apiKey', 'api_key', 'x-api-key', 'credential', 'credentials', 'upstreamCredential', 'privateKey', 'kek',
];
// What a member institution sent to a model, or received from it: never in a log line.
const PROMPT_KEYS = ['prompt', 'messages', 'input', 'instructions', 'completion', 'choices', 'body'];
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key'];
const HEADER_HOLDERS = ['headers', 'req.headers', 'res.headers', 'request.headers', 'response.headers', '*.headers'];

/** `key` as a pino path segment: bare when it is an identifier, bracketed otherwise. */
function segment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
}

export const REDACTED_PATHS: readonly string[] = [
  ...[...CREDENTIAL_KEYS, ...PROMPT_KEYS].flatMap((key) => [segment(key).replace(/^\./, ''), `*${segment(key)}`]),
  ...HEADER_HOLDERS.flatMap((holder) => CREDENTIAL_HEADERS.map((header) => `${holder}${segment(header)}`)),
];

export const REDACTED = '[redacted]';
