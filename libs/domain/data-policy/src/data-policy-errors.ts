import { DomainError, type ErrorKind } from '@ai-commons/core';

const KIND = {
  POLICY_INVALID: 'bad-input',
  POLICY_VERSION_CONFLICT: 'conflict',
  PII_SETTINGS_INVALID: 'bad-input',
  TENANT_SCOPE_REQUIRED: 'forbidden',
  INVALID_SAMPLE: 'bad-input',
  CLASSIFICATION_FLOOR_ABOVE_CEILING: 'bad-input',
  INVALID_INSTITUTION_ID: 'bad-input',
  INSTITUTION_NOT_FOUND: 'not-found',
} as const satisfies Record<string, ErrorKind>;

export type DataPolicyErrorCode = keyof typeof KIND;

export class DataPolicyError extends DomainError {
  // The GraphQL `module` extension and `authorization.denied` audit details key on this name;
  // it stays `isolation` (where policy administration lived) so clients and audit queries keep working.
  readonly module = 'isolation';

  constructor(code: DataPolicyErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, KIND[code], details);
  }
}
