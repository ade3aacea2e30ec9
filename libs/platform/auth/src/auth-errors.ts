import { DomainError } from '@ai-commons/core';

export type UnauthenticatedReason =
  | 'TOKEN_MISSING'
  | 'TOKEN_MALFORMED'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_INVALID_SIGNATURE'
  | 'TOKEN_UNKNOWN_KEY'
  | 'TOKEN_WRONG_ISSUER'
  | 'TOKEN_WRONG_AUDIENCE'
  | 'TOKEN_WRONG_TYPE'
  | 'SIGNING_KEY_UNAVAILABLE'
  | 'TOKEN_INVALID';

export type ForbiddenReason =
  'ROLE_REQUIRED' | 'WRONG_INSTITUTION' | 'INSTITUTION_MISSING' | 'MULTIPLE_INSTITUTIONS' | 'INSTITUTION_UNKNOWN' | 'INSTITUTION_NOT_ACTIVE';

export class AuthError extends DomainError {
  readonly module = 'auth';

  static unauthenticated(reason: UnauthenticatedReason, message: string): AuthError {
    return new AuthError(reason, message, 'unauthenticated');
  }

  static forbidden(reason: ForbiddenReason, message: string, details?: Record<string, unknown>): AuthError {
    return new AuthError(reason, message, 'forbidden', details);
  }
}
