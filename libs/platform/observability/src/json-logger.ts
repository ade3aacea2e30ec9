import type { LoggerService } from '@nestjs/common';
import { RequestContext } from '@ai-commons/core';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Keys whose values must never reach a log line, whatever the caller passes.
const SECRET_KEYS = /authorization|password|secret|token|api[-_]?key|credential|cookie/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
      key,
      SECRET_KEYS.test(key) ? '[redacted]' : redact(inner, depth + 1),
    ]),
  );
}

/** One JSON object per line on stdout, with the request id of the current request context. */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly minLevel: Level = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

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
  event(level: Level, event: string, fields: Record<string, unknown> = {}): void {
    if (ORDER[level] < ORDER[this.minLevel]) return;
    this.write(
      JSON.stringify({
        time: new Date().toISOString(),
        level,
        service: this.service,
        requestId: RequestContext.requestId(),
        event,
        ...(redact(fields) as Record<string, unknown>),
      }),
    );
  }

  private emit(level: Level, message: unknown, rest: unknown[]): void {
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
