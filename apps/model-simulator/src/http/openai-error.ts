/** An error answered with OpenAI's error envelope `{ error: { message, type, param, code } }`. */
export class OpenAiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'OpenAiError';
  }

  toJson(): string {
    return JSON.stringify({ error: { message: this.message, type: this.type, param: this.param, code: this.code } });
  }
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null): OpenAiError {
  return new OpenAiError(400, message, 'invalid_request_error', param, code);
}

export function missingParameter(param: string): OpenAiError {
  return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

export function invalidType(param: string, expected: string, value: unknown): OpenAiError {
  return invalidRequest(`Invalid type for '${param}': expected ${expected}, but got ${describeJsonType(value)} instead.`, param, 'invalid_type');
}

export function modelNotFound(model: string): OpenAiError {
  return new OpenAiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found');
}

export function deploymentNotFound(deployment: string): OpenAiError {
  return new OpenAiError(404, `The API deployment \`${deployment}\` for this resource does not exist.`, 'invalid_request_error', null, 'DeploymentNotFound');
}

export function invalidApiKey(provided: string | null): OpenAiError {
  const message =
    provided === null
      ? "You didn't provide an API key. Provide it in the Authorization header (Bearer auth) or in the api-key header."
      : `Incorrect API key provided: ${maskKey(provided)}.`;
  return new OpenAiError(401, message, 'invalid_request_error', null, 'invalid_api_key');
}

export function invalidUrl(method: string, path: string): OpenAiError {
  return new OpenAiError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error');
}

/** The body a real upstream sends for `status`, used for injected failures. */
export function injectedFailure(status: number): OpenAiError {
  switch (status) {
    case 429:
      return new OpenAiError(429, 'Rate limit reached for requests. (injected by model-simulator)', 'requests', null, 'rate_limit_exceeded');
    case 500:
      return new OpenAiError(500, 'The server had an error while processing your request. (injected by model-simulator)', 'server_error');
    case 503:
      return new OpenAiError(503, 'The engine is currently overloaded, please try again later. (injected by model-simulator)', 'server_error');
    default:
      return new OpenAiError(
        status,
        `Simulated upstream failure with status ${status}. (injected by model-simulator)`,
        status >= 500 ? 'server_error' : 'invalid_request_error',
      );
  }
}

function maskKey(key: string): string {
  return key.length <= 8 ? '****' : `${key.slice(0, 3)}****${key.slice(-4)}`;
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a decimal';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
