export const POLICY_VALIDATION_CODES = [
  'NOT_AN_OBJECT',
  'MISSING_FIELD',
  'UNKNOWN_FIELD',
  'WRONG_TYPE',
  'UNSUPPORTED_SCHEMA_VERSION',
  'INVALID_POLICY_ID',
  'INVALID_VERSION',
  'INVALID_REGION',
  'INVALID_ENUM_VALUE',
  'EMPTY_LIST',
  'DUPLICATE_VALUE',
  'EMPTY_TEXT',
  'TEXT_TOO_LONG',
  'TOO_MANY_RULES',
  'INVALID_RULE_ID',
  'RESERVED_RULE_ID',
  'DUPLICATE_RULE_ID',
  'UNREACHABLE_RULE',
  'DEFAULT_BELOW_MINIMUM',
  'POLICY_ID_CHANGED',
  'VERSION_NOT_NEXT',
] as const;

export type PolicyValidationCode = (typeof POLICY_VALIDATION_CODES)[number];

export interface PolicyValidationError {
  readonly code: PolicyValidationCode;
  /** JSON Pointer (RFC 6901) to the offending value; '' is the document itself. */
  readonly path: string;
  readonly message: string;
}

/** Collects errors so a document reports every problem at once, not one per round trip. */
export class ValidationIssues {
  readonly errors: PolicyValidationError[] = [];

  add(code: PolicyValidationCode, path: string, message: string): void {
    this.errors.push({ code, path, message });
  }

  get count(): number {
    return this.errors.length;
  }
}

export function pointer(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
