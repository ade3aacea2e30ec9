import { QuotaConfigError } from '../config/config-issues';
import type { MemberQuotaConfig, PoolCapacity, PoolConfig } from '../config/pool-config';
import { type ResolvedMember, resolveMember } from '../config/resolved-member';
import { validatePoolConfig } from '../config/validate-pool-config';

/** Capacities are per minute, so the accounting window is one minute. */
export const WINDOW_MS = 60_000;

export interface AdmissionOptions {
  /** Width of one window bucket; must divide 60 000. Smaller: less capacity forgotten late, bigger state. Default 5 000. */
  readonly bucketMs?: number;
  /**
   * Hysteresis h in [0, 1) between borrowers: a borrower yields to a refused contender only when its
   * weighted share would exceed (1 + h) times the contender's. Default 0.1.
   */
  readonly hysteresis?: number;
  /** How long an owner's claim on its guarantee outlives the owner's last request (a refusal's hold counts from its retry time). Default 60 000. */
  readonly claimHoldMs?: number;
  /** How long a refused borrower counts as wanting more (for fair-share ordering), from its retry time. Default 10 000. */
  readonly contentionHoldMs?: number;
  /** A reservation not reconciled within this time is settled at its estimate and its lease freed. Default 600 000. */
  readonly leaseTtlMs?: number;
  /** Retry hint for concurrency refusals: how long requests usually hold a slot. Default 1 000. */
  readonly concurrencyRetryHintMs?: number;
  /** Budget periods are calendar months at this UTC offset. Default 540 (KST, no daylight saving). */
  readonly budgetUtcOffsetMinutes?: number;
}

/** Everything admission needs besides the counters; plain data, derived once per config change. */
export interface AdmissionPolicy {
  readonly capacity: PoolCapacity;
  readonly windowMs: number;
  readonly bucketMs: number;
  /** windowMs / bucketMs + 1, see WindowRing. */
  readonly slotCount: number;
  readonly hysteresis: number;
  readonly claimHoldMs: number;
  readonly contentionHoldMs: number;
  readonly leaseTtlMs: number;
  readonly concurrencyRetryHintMs: number;
  readonly budgetUtcOffsetMinutes: number;
  readonly memberIds: readonly string[];
  readonly members: Readonly<Record<string, ResolvedMember>>;
}

/**
 * Resolves a validated pool config into an admission policy.
 * @throws QuotaConfigError when `validatePoolConfig` reports issues.
 * @throws RangeError for options outside their documented ranges.
 */
export function buildAdmissionPolicy(pool: PoolConfig, members: readonly MemberQuotaConfig[], options: AdmissionOptions = {}): AdmissionPolicy {
  const issues = validatePoolConfig(pool, members);
  if (issues.length > 0) throw new QuotaConfigError(issues);
  const bucketMs = options.bucketMs ?? 5_000;
  if (!Number.isInteger(bucketMs) || bucketMs <= 0 || WINDOW_MS % bucketMs !== 0) {
    throw new RangeError(`bucketMs ${bucketMs} must be a positive integer dividing ${WINDOW_MS}`);
  }
  const hysteresis = options.hysteresis ?? 0.1;
  if (!Number.isFinite(hysteresis) || hysteresis < 0 || hysteresis >= 1) {
    throw new RangeError(`hysteresis ${hysteresis} must be within [0, 1)`);
  }
  const policy: AdmissionPolicy = {
    capacity: pool.capacity,
    windowMs: WINDOW_MS,
    bucketMs,
    slotCount: WINDOW_MS / bucketMs + 1,
    hysteresis,
    claimHoldMs: positiveDuration('claimHoldMs', options.claimHoldMs ?? WINDOW_MS),
    contentionHoldMs: positiveDuration('contentionHoldMs', options.contentionHoldMs ?? 10_000),
    leaseTtlMs: positiveDuration('leaseTtlMs', options.leaseTtlMs ?? 600_000),
    concurrencyRetryHintMs: positiveDuration('concurrencyRetryHintMs', options.concurrencyRetryHintMs ?? 1_000),
    budgetUtcOffsetMinutes: options.budgetUtcOffsetMinutes ?? 540,
    memberIds: members.map((member) => member.institutionId),
    members: Object.fromEntries(members.map((member) => [member.institutionId, resolveMember(pool, member)])),
  };
  if (!Number.isInteger(policy.budgetUtcOffsetMinutes) || Math.abs(policy.budgetUtcOffsetMinutes) > 14 * 60) {
    throw new RangeError(`budgetUtcOffsetMinutes ${policy.budgetUtcOffsetMinutes} is not a UTC offset`);
  }
  return policy;
}

export function policyMember(policy: AdmissionPolicy, institutionId: string): ResolvedMember | undefined {
  return Object.hasOwn(policy.members, institutionId) ? policy.members[institutionId] : undefined;
}

function positiveDuration(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} ${value} must be a positive integer (ms)`);
  return value;
}
