import { DomainError } from '@ai-commons/core';

export class DatabaseError extends DomainError {
  readonly module = 'database';
}

/** The database could not be reached or answered too slowly; the caller may retry later. */
export class DatabaseUnavailableError extends DatabaseError {
  constructor(cause: unknown) {
    super('DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly', 'unavailable', {
      cause: describeCause(cause),
    });
  }
}

function describeCause(cause: unknown): string {
  if (cause && typeof cause === 'object') {
    const { code, message } = cause as { code?: string; message?: string };
    return [code, message].filter(Boolean).join(': ');
  }
  return String(cause);
}

// Connection-level failures (refused, reset, shutdown, timeouts) as opposed to a bad statement.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '57014',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

export function isConnectionFailure(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message, driverError } = error as { code?: string; message?: string; driverError?: unknown };
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  if (driverError && driverError !== error && isConnectionFailure(driverError)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message ?? '');
}

/** PostgreSQL error code of a driver error, if any (TypeORM wraps it in QueryFailedError). */
export function pgErrorCode(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  if (typeof driverError?.code === 'string') return driverError.code;
  return typeof code === 'string' ? code : undefined;
}

/** Name of the violated constraint for unique/check/foreign-key violations. */
export function pgConstraint(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { constraint, driverError } = error as { constraint?: unknown; driverError?: { constraint?: unknown } };
  const value = driverError?.constraint ?? constraint;
  return typeof value === 'string' ? value : undefined;
}
