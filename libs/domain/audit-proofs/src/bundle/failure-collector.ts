import { CHECK_OF_FAILURE, VerificationCheckId, VerificationFailure, VerificationFailureCode, VerificationWarning } from './verification-report';

export interface FailureLocation {
  readonly leafIndex?: number;
  readonly treeSize?: number;
  readonly line?: number;
}

/**
 * Collects failures and warnings during one verification. Past `limit` failures it keeps only counts,
 * so a bundle with a million bad events still yields a bounded report.
 */
export class FailureCollector {
  readonly failures: VerificationFailure[] = [];
  readonly warnings: VerificationWarning[] = [];
  private readonly perCheck = new Map<VerificationCheckId, number>();
  private suppressed = 0;

  constructor(private readonly limit: number) {}

  fail(code: VerificationFailureCode, message: string, location: FailureLocation = {}): void {
    const check = CHECK_OF_FAILURE[code];
    this.perCheck.set(check, (this.perCheck.get(check) ?? 0) + 1);
    if (this.failures.length < this.limit) this.failures.push({ code, check, message, ...location });
    else this.suppressed++;
  }

  warn(warning: VerificationWarning): void {
    this.warnings.push(warning);
  }

  failureCount(check: VerificationCheckId): number {
    return this.perCheck.get(check) ?? 0;
  }

  get suppressedFailureCount(): number {
    return this.suppressed;
  }

  get hasFailures(): boolean {
    return this.perCheck.size > 0;
  }
}
