import type { Classification } from '../classification';
import type { ConfirmationStatus, Hosting, NetworkZone, RegionScope } from '../endpoint';
import type { PiiMinimumModes, PiiScanSettings } from '../pii/pii-settings';

export const POLICY_SCHEMA_VERSION = 1;

export type RuleEffect = 'allow' | 'deny';

/**
 * A conjunction: the rule applies when every listed dimension contains the request's value.
 * A dimension left out matches anything.
 */
export interface RuleCondition {
  readonly classification?: readonly Classification[];
  readonly hosting?: readonly Hosting[];
  readonly regionScope?: readonly RegionScope[];
  readonly networkZone?: readonly NetworkZone[];
  readonly confirmation?: readonly ConfirmationStatus[];
}

export interface PolicyRule {
  /** Stable identifier recorded in every decision the rule makes. */
  readonly id: string;
  readonly effect: RuleEffect;
  readonly when: RuleCondition;
  /** Shown to the caller with a denial (HTTP 403) and stored in the audit record. */
  readonly reason: string;
}

/**
 * A versioned data-handling policy. Rules are evaluated in order and the first that applies
 * decides; `defaultEffect` decides when none does. The classification ceiling is checked before
 * any rule and cannot be switched off.
 */
export interface PolicyDocument {
  readonly schemaVersion: typeof POLICY_SCHEMA_VERSION;
  readonly policyId: string;
  /** Positive integer, one higher than the version it replaces. */
  readonly version: number;
  readonly description?: string;
  /** ISO 3166-1 alpha-2 code of the consortium's home country; other regions are foreign. */
  readonly homeRegion: string;
  readonly rules: readonly PolicyRule[];
  readonly defaultEffect: RuleEffect;
  readonly pii: {
    /** Detector settings for institutions that have not chosen their own. */
    readonly defaults: PiiScanSettings;
    /** No institution setting may go below these. */
    readonly minimumModes: PiiMinimumModes;
  };
}
