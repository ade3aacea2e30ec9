import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import { RequestContext } from '@ai-commons/core';
import { REDACTED, REDACTED_PATHS } from './log-redaction';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Writes each line (without its newline) through `write`; used by tests to capture the log. */
function lineSink(write: (line: string) => void): DestinationStream {
  return { write: (chunk: string) => write(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk) };
}

/**
 * One JSON object per line on stdout (pino), with the service name, the request id of the current
 * request context and path-based redaction (log-redaction.ts). The interface the code uses —
 * `event(level, name, fields)` and Nest's LoggerService — is unchanged from the hand-written logger.
 */
export class JsonLogger implements LoggerService {
  /** The pino logger underneath (nestjs-pino in the control plane writes through it too). */
  readonly pino: Logger;

  constructor(service: string, minLevel: LogLevel = 'info', write?: (line: string) => void) {
    this.pino = pino(
      {
        level: minLevel,
        base: { service },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths: [...REDACTED_PATHS], censor: REDACTED },
      },
      // Synchronous on stdout, as console writes are: no line lost when the process exits.
      write ? lineSink(write) : pino.destination({ dest: 1, sync: true }),
    );
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }

  /** Structured event: `logger.event('info', 'http.request', { status: 200 })`. */
  event(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const request = RequestContext.current();
    // traceId is absent (and left out of the line) when tracing is off.
    this.pino[level]({ requestId: request?.requestId, traceId: request?.traceId, event, ...fields });
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    // Nest passes the context name as the last string argument, and a stack trace for errors.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = level === 'error' && typeof rest[0] === 'string' ? (rest.shift() as string) : undefined;
    const fields: Record<string, unknown> = { context, stack };
    if (message instanceof Error) {
      fields.msg = message.message;
      fields.stack = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
    } else {
      fields.msg = String(message);
    }
    this.event(level, 'log', fields);
  }
}
