import type { ServerResponse } from 'node:http';

import { GatewayError } from '@ai-commons/gateway-admission';
import type { BreakerVerdict } from '../upstream/circuit-breaker';

export { GatewayError, type OpenAIErrorType } from '@ai-commons/gateway-admission';

/**
 * The failure of a call that was admitted, in the same shape as the failure itself. The server
 * answers it like any GatewayError but reports no refusal: the call's completion record says how it
 * ended. Carries how the call counts for the endpoint's circuit breaker.
 */
export class AdmittedCallFailure extends GatewayError {
  constructor(
    readonly failure: GatewayError,
    readonly breakerVerdict: BreakerVerdict,
  ) {
    super(failure.status, failure.type, failure.code, failure.message, failure.param, failure.headers);
  }

  override body(): string {
    return this.failure.body();
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
