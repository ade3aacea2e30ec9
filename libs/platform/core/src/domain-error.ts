/**
 * Base of every module's exception type. Each module subclasses it with its own codes; the API
 * layer maps `kind` to a GraphQL error code (or an HTTP status) in exactly one place.
 */
export type ErrorKind = 'bad-input' | 'not-found' | 'conflict' | 'forbidden' | 'unauthenticated' | 'unavailable' | 'internal';

export abstract class DomainError extends Error {
  /** Which module raised it, e.g. `tenancy`. */
  abstract readonly module: string;

  constructor(
    /** Stable, specific, machine-readable reason, e.g. `INSTITUTION_SLUG_TAKEN`. */
    readonly code: string,
    message: string,
    readonly kind: ErrorKind,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
