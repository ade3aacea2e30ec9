import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { GatewayError } from '../http/openai-error';
import type { UpstreamRequest } from './upstream-request';
import { CallCancelled, type Cancellation } from './cancellation';

export interface UpstreamTimeouts {
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
}

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 10_000 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 10_000 });

/** Nothing reached the upstream: safe to try again. */
class ConnectFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

function attempt(request: UpstreamRequest, timeouts: UpstreamTimeouts, cancellation: Cancellation): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const { target } = request;
    const req = (target.https ? https : http).request({
      method: 'POST',
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      headers: request.headers,
      agent: target.https ? httpsAgent : httpAgent,
    });
    // Destroying the request also ends its response mid-body: cancellation holds until the call ends.
    cancellation.onCancel((reason) => req.destroy(reason instanceof GatewayError ? reason : new CallCancelled('cancelled')));
    let connectTimer: NodeJS.Timeout | undefined;
    const firstByteTimer = setTimeout(
      () => req.destroy(new GatewayError(504, 'timeout_error', 'upstream_timeout', `The model did not answer within ${timeouts.firstByteTimeoutMs} ms`)),
      timeouts.connectTimeoutMs + timeouts.firstByteTimeoutMs,
    );
    const clear = () => {
      clearTimeout(connectTimer);
      clearTimeout(firstByteTimer);
    };
    req.once('socket', (socket) => {
      if (socket.connecting) {
        connectTimer = setTimeout(() => req.destroy(new ConnectFailure('connect timeout')), timeouts.connectTimeoutMs);
        socket.once('connect', () => clearTimeout(connectTimer));
      }
    });
    req.once('response', (response) => {
      clear();
      resolve(response);
    });
    req.once('error', (error: NodeJS.ErrnoException) => {
      clear();
      if (error instanceof ConnectFailure || error instanceof GatewayError || error instanceof CallCancelled) return reject(error);
      const code = error.code ?? '';
      // A kept-alive socket the upstream had already closed: the request never arrived.
      if (CONNECT_CODES.has(code) || (req.reusedSocket && code === 'ECONNRESET')) return reject(new ConnectFailure(code));
      reject(error);
    });
    req.end(request.body);
  });
}

/**
 * Where each attempt goes: attempt 0 first, then one per retry — on another replica when the
 * endpoint has one (the caller chooses). `connectFailed` hears of each attempt that never reached
 * its upstream, before the next is asked for.
 */
export interface UpstreamRoute {
  request(attempt: number): UpstreamRequest;
  connectFailed?(attempt: number): void;
}

/**
 * Sends the request and resolves when the upstream's response headers arrive. Connection failures
 * are retried (nothing was delivered to the upstream and nothing has been sent to the caller yet),
 * at once on another replica, after a short backoff on the same one; anything after that is not,
 * since the upstream may have done the work.
 */
export async function callUpstream(
  route: UpstreamRequest | UpstreamRoute,
  timeouts: UpstreamTimeouts,
  retries: number,
  cancellation: Cancellation,
): Promise<IncomingMessage> {
  const next: UpstreamRoute = typeof (route as UpstreamRoute).request === 'function' ? (route as UpstreamRoute) : { request: () => route as UpstreamRequest };
  let previous: UpstreamRequest | undefined;
  for (let attemptNumber = 0; ; attemptNumber++) {
    const request = next.request(attemptNumber);
    if (previous && previous.target === request.target) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** (attemptNumber - 1)));
    previous = request;
    try {
      return await attempt(request, timeouts, cancellation);
    } catch (error) {
      if (error instanceof ConnectFailure) {
        next.connectFailed?.(attemptNumber);
        if (attemptNumber < retries && !cancellation.cancelled) continue;
        throw new GatewayError(502, 'upstream_error', 'upstream_unreachable', `The model endpoint could not be reached (${error.reason})`);
      }
      if (error instanceof GatewayError || error instanceof CallCancelled) throw error;
      throw new GatewayError(
        502,
        'upstream_error',
        'upstream_connection_error',
        `The connection to the model endpoint failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  }
}

export function readAll(stream: IncomingMessage, limitBytes = 64 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Destroyed (cancelled) before anyone listened — complete or not, its events are gone.
    if (stream.destroyed) return reject(new Error('upstream response aborted'));
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) stream.destroy(new Error('upstream response too large'));
      else chunks.push(chunk);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks, size)));
    stream.once('error', reject);
    stream.once('aborted', () => reject(new Error('upstream response aborted')));
  });
}
