import type { PiiFindingCount } from './pii/scan-prompt';

export type DecisionOutcome = 'allow' | 'deny' | 'mask';

/**
 * One request's data-handling decision, as written to the audit log and returned with a 403.
 * Compact and JSON-serialisable; it names detectors and counts, never the matched text.
 */
export interface DecisionRecord {
  readonly decision: DecisionOutcome;
  readonly ruleId: string;
  readonly reason: string;
  readonly policyVersion: number;
  readonly findings: readonly PiiFindingCount[];
}
