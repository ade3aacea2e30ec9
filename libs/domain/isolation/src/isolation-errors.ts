import { DomainError, type ErrorKind } from '@ai-commons/core';

const KIND = {
  RUN_NOT_FOUND: 'not-found',
  INVALID_ID: 'bad-input',
  ALERT_NOT_FOUND: 'not-found',
  RUN_IN_PROGRESS: 'conflict',
  /** The run lost its owner's lock session (see run-ownership.ts) and was closed by the sweep. */
  RUN_INTERRUPTED: 'unavailable',
} as const satisfies Record<string, ErrorKind>;

export type IsolationErrorCode = keyof typeof KIND;

export class IsolationError extends DomainError {
  readonly module = 'isolation';

  constructor(code: IsolationErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, KIND[code], details);
  }
}
