import type { ServerResponse } from 'node:http';

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'api_error'
  | 'upstream_error'
  | 'timeout_error';

/** A gateway failure in OpenAI's error shape: `{ error: { message, type, param, code } }`. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: OpenAIErrorType,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  body(): string {
    return JSON.stringify({ error: { message: this.message, type: this.type, param: this.param, code: this.code } });
  }
}

export function invalidRequest(message: string, param: string | null = null, code = 'invalid_request'): GatewayError {
  return new GatewayError(400, 'invalid_request_error', code, message, param);
}

/** Same answer for "no such model" and "another institution's model": nothing leaks. */
export function modelNotFound(model: string): GatewayError {
  return new GatewayError(404, 'invalid_request_error', 'model_not_found', `The model \`${model}\` does not exist or you do not have access to it.`, 'model');
}

export function sendError(res: ServerResponse, error: GatewayError, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = error.body();
  res.writeHead(error.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    ...error.headers,
  });
  res.end(body);
}
