import { DomainError, type ErrorKind } from '@ai-commons/core';

export type TenancyErrorCode =
  | 'INSTITUTION_NOT_FOUND'
  | 'INSTITUTION_SLUG_TAKEN'
  | 'INVALID_SLUG'
  | 'INVALID_NAME'
  | 'INVALID_CAPITAL'
  | 'INVALID_CONTACT'
  | 'INVALID_REASON'
  | 'EMPTY_UPDATE'
  | 'ILLEGAL_STATUS_TRANSITION'
  | 'WRONG_INSTITUTION';

const KIND: Record<TenancyErrorCode, ErrorKind> = {
  INSTITUTION_NOT_FOUND: 'not-found',
  INSTITUTION_SLUG_TAKEN: 'conflict',
  INVALID_SLUG: 'bad-input',
  INVALID_NAME: 'bad-input',
  INVALID_CAPITAL: 'bad-input',
  INVALID_CONTACT: 'bad-input',
  INVALID_REASON: 'bad-input',
  EMPTY_UPDATE: 'bad-input',
  ILLEGAL_STATUS_TRANSITION: 'conflict',
  WRONG_INSTITUTION: 'forbidden',
};

export class TenancyError extends DomainError {
  readonly module = 'tenancy';

  constructor(code: TenancyErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, KIND[code], details);
  }
}
