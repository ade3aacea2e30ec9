import { DomainError, type ErrorKind } from '@ai-commons/core';

export type AuditErrorCode =
  | 'AUDIT_EVENT_NOT_FOUND'
  | 'AUDIT_KEY_MISSING'
  | 'AUDIT_KEY_INVALID'
  | 'INVALID_TIME_RANGE'
  | 'INVALID_TREE_SIZE'
  | 'INVALID_ID'
  | 'WRONG_INSTITUTION'
  | 'NO_TREE_HEAD';

const KIND: Record<AuditErrorCode, ErrorKind> = {
  AUDIT_EVENT_NOT_FOUND: 'not-found',
  AUDIT_KEY_MISSING: 'internal',
  AUDIT_KEY_INVALID: 'internal',
  INVALID_TIME_RANGE: 'bad-input',
  INVALID_TREE_SIZE: 'bad-input',
  INVALID_ID: 'bad-input',
  WRONG_INSTITUTION: 'forbidden',
  NO_TREE_HEAD: 'unavailable',
};

export class AuditError extends DomainError {
  readonly module = 'audit';

  constructor(code: AuditErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, KIND[code], details);
  }
}
