import { DomainError, type ErrorKind } from '@ai-commons/core';

/** Every specific reason the catalog module gives, with its GraphQL category. */
const KIND = {
  // models
  MODEL_NOT_FOUND: 'not-found',
  MODEL_NAME_TAKEN: 'conflict',
  MODEL_RETIRED: 'conflict',
  MODEL_HAS_ACTIVE_ENDPOINTS: 'conflict',
  INVALID_MODEL_NAME: 'bad-input',
  INVALID_CONTEXT_WINDOW: 'bad-input',
  INVALID_PARAMETER_COUNT: 'bad-input',
  INVALID_MMLU_SCORE: 'bad-input',
  INVALID_PRICE: 'bad-input',
  INVALID_MODALITIES: 'bad-input',
  INVALID_TEXT_FIELD: 'bad-input',
  // offerings
  OFFERING_NOT_FOUND: 'not-found',
  UNKNOWN_MODEL: 'bad-input',
  UNKNOWN_OFFERING: 'bad-input',
  OFFERING_RETIRED: 'conflict',
  OFFERING_HAS_ACTIVE_ENDPOINTS: 'conflict',
  INVALID_REGION: 'bad-input',
  AUTHORITY_CONFIRMATION_REQUIRED: 'bad-input',
  INVALID_AUTHORITY_CONFIRMATION: 'bad-input',
  // endpoints
  ENDPOINT_NOT_FOUND: 'not-found',
  ENDPOINT_NAME_TAKEN: 'conflict',
  ENDPOINT_RETIRED: 'conflict',
  UNKNOWN_INSTITUTION: 'bad-input',
  INSTITUTION_OFFBOARDED: 'conflict',
  INVALID_ENDPOINT_NAME: 'bad-input',
  INVALID_UPSTREAM_URL: 'bad-input',
  INVALID_UPSTREAM_MODEL: 'bad-input',
  AZURE_DEPLOYMENT_REQUIRED: 'bad-input',
  AZURE_API_VERSION_REQUIRED: 'bad-input',
  AZURE_SETTINGS_NOT_APPLICABLE: 'bad-input',
  INVALID_LIMIT: 'bad-input',
  DEFAULT_MAX_TOKENS_EXCEEDS_MAX: 'bad-input',
  INVALID_TIMEOUTS: 'bad-input',
  INVALID_ALLOWED_FIELD: 'bad-input',
  EMPTY_UPDATE: 'bad-input',
  INVALID_CREDENTIAL: 'bad-input',
  ILLEGAL_STATE_TRANSITION: 'conflict',
  INVALID_REASON: 'bad-input',
  // endpoint targets (replicas)
  TARGET_NOT_FOUND: 'not-found',
  TARGET_URL_TAKEN: 'conflict',
  TARGET_LIMIT_REACHED: 'conflict',
  LAST_ACTIVE_TARGET: 'conflict',
  INVALID_TARGET_WEIGHT: 'bad-input',
  // API keys
  API_KEY_NOT_FOUND: 'not-found',
  API_KEY_NAME_TAKEN: 'conflict',
  API_KEY_ALREADY_REVOKED: 'conflict',
  API_KEY_LIMIT_REACHED: 'conflict',
  INVALID_API_KEY_NAME: 'bad-input',
  INVALID_ENDPOINT_SCOPE: 'bad-input',
  UNKNOWN_ENDPOINT: 'bad-input',
  API_KEY_EXPIRY_IN_PAST: 'bad-input',
  CLASSIFICATION_ABOVE_CEILING: 'bad-input',
  USE_CASE_REQUIRED: 'bad-input',
  UNKNOWN_USE_CASE: 'bad-input',
  USE_CASE_CLOSED: 'conflict',
  TENANT_SCOPE_REQUIRED: 'forbidden',
} as const satisfies Record<string, ErrorKind>;

export type CatalogErrorCode = keyof typeof KIND;

export class CatalogError extends DomainError {
  readonly module = 'catalog';

  constructor(code: CatalogErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, KIND[code], details);
  }
}

export function catalogErrorKind(code: CatalogErrorCode): ErrorKind {
  return KIND[code];
}
