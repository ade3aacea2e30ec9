import type { Socket } from 'node:net';

/**
 * What a request that never became a request gets: node:http refuses malformed framing (a header
 * over the size limit, duplicate or conflicting Content-Length, Content-Length with
 * Transfer-Encoding, a garbage request line) and slow senders (headers or body not in time) before
 * any handler runs, and by default answers with an empty body. This answers in OpenAI's error
 * shape instead, then closes the connection (its framing cannot be trusted any further).
 */
export function clientErrorResponse(error: NodeJS.ErrnoException): { status: number; reason: string; code: string; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'Request Header Fields Too Large', code: 'headers_too_large', message: 'The request headers are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request Timeout', code: 'request_timeout', message: 'The request did not arrive in time' };
    default:
      return { status: 400, reason: 'Bad Request', code: 'malformed_http_request', message: 'The HTTP request is malformed' };
  }
}

export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A response already under way on this socket (e.g. a stream) cannot be replaced: just close.
  const busy = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (error.code === 'ECONNRESET' || busy || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, reason, code, message } = clientErrorResponse(error);
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  // Whatever the client still sends is not read; do not hold the socket for it.
  socket.destroySoon?.();
}
