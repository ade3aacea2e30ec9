import { DomainError, type ErrorKind } from '@ai-commons/core';

/** Every specific reason the use-case module gives, with its GraphQL category. */
const KIND = {
  USE_CASE_NOT_FOUND: 'not-found',
  USE_CASE_NAME_TAKEN: 'conflict',
  ILLEGAL_USE_CASE_TRANSITION: 'conflict',
  REVISION_UNDER_REVIEW: 'conflict',
  NOTHING_TO_REVIEW: 'conflict',
  APPROVAL_NOT_YET_EXPIRED: 'conflict',
  APPROVAL_EXPIRED: 'conflict',
  NOT_YOUR_INSTITUTION: 'forbidden',
  ROLE_NOT_ALLOWED: 'forbidden',
  SEPARATION_OF_DUTIES: 'forbidden',
  TENANT_SCOPE_REQUIRED: 'forbidden',
  INVALID_USE_CASE_ID: 'bad-input',
  INVALID_TEXT_FIELD: 'bad-input',
  INVALID_CLASSIFICATION: 'bad-input',
  CLASSIFICATION_ABOVE_INSTITUTION_CEILING: 'bad-input',
  INVALID_ENDPOINTS: 'bad-input',
  UNKNOWN_ENDPOINT: 'bad-input',
  INVALID_RISK_TIER: 'bad-input',
  HIGH_IMPACT_NEEDS_HIGH_TIER: 'bad-input',
  INVALID_REFERENCE: 'bad-input',
  INVALID_VALIDITY: 'bad-input',
  INVALID_COMMENT: 'bad-input',
  INVALID_FILTER: 'bad-input',
  EMPTY_UPDATE: 'bad-input',
  INVALID_ENFORCEMENT_MODE: 'bad-input',
} as const satisfies Record<string, ErrorKind>;

export type UseCaseErrorCode = keyof typeof KIND;

export class UseCaseError extends DomainError {
  readonly module = 'use-cases';

  constructor(code: UseCaseErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, KIND[code], details);
  }
}

export function useCaseErrorKind(code: UseCaseErrorCode): ErrorKind {
  return KIND[code];
}
