import fc from 'fast-check';
import {
  type AdmissionPolicy,
  admit,
  buildAdmissionPolicy,
  createLimiterState,
  expireLeases,
  type LimiterState,
  memberUsage,
  poolUsage,
  reconcile,
  release,
  type Reservation,
} from '../src';
import { scenarioArb, smallPoolArb } from './support/arbitraries';

// 23:55 KST on 31 January: streams cross into a new budget period.
const START_MS = Date.UTC(2025, 0, 31, 14, 55);

type Operation =
  | { readonly kind: 'admit'; readonly gapMs: number; readonly member: number; readonly estimatedTokens: number }
  | { readonly kind: 'reconcile'; readonly pick: number; readonly actualShare: number }
  | { readonly kind: 'release'; readonly pick: number }
  | { readonly kind: 'expire'; readonly gapMs: number };

const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('admit' as const),
      gapMs: fc.integer({ min: 0, max: 20_000 }),
      member: fc.nat(),
      estimatedTokens: fc.integer({ min: 0, max: 5_000 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reconcile' as const), pick: fc.nat(), actualShare: fc.double({ min: 0, max: 2, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), gapMs: fc.integer({ min: 0, max: 60_000 }) }) },
);

const setupArb = scenarioArb({ pool: smallPoolArb, maxMembers: 4 }).chain((scenario) =>
  fc.record({
    policy: fc
      .record({
        leaseTtlMs: fc.integer({ min: 1_000, max: 90_000 }),
        bucketMs: fc.constantFrom(1_000, 5_000, 20_000),
        budgets: fc.array(fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: undefined }), {
          minLength: scenario.members.length,
          maxLength: scenario.members.length,
        }),
      })
      .map(({ leaseTtlMs, bucketMs, budgets }) =>
        buildAdmissionPolicy(
          scenario.pool,
          scenario.members.map((member, index) => ({ ...member, periodTokenBudget: budgets[index] })),
          { leaseTtlMs, bucketMs },
        ),
      ),
    operations: fc.array(operationArb, { minLength: 20, maxLength: 150 }),
  }),
);

interface Handle {
  readonly reservation: Reservation;
  status: 'open' | 'released' | 'settled' | 'expired';
  actualTokens: number;
}

/** Every broken counter invariant, as text; checked with one assertion per step to keep runs fast. */
function counterViolations(policy: AdmissionPolicy, state: LimiterState, handles: readonly Handle[], nowMs: number): string[] {
  const violations: string[] = [];
  const pool = poolUsage(policy, state, nowMs);
  const summed = { tokens: 0, requests: 0, leases: 0 };
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
  for (const institutionId of policy.memberIds) {
    const member = state.members[institutionId]!;
    if (Math.min(...member.usage.tokens.slots, ...member.usage.requests.slots) < -1e-9) violations.push(`${institutionId}: negative window slot`);
    if (member.usage.leases < 0 || member.periodUsedTokens < -1e-9) violations.push(`${institutionId}: negative lease or period counter`);
    if (member.usage.leases !== member.open.filter((entry) => entry.leaseHeld).length)
      violations.push(`${institutionId}: leases differ from held reservations`);
    const usage = memberUsage(policy, state, institutionId, nowMs);
    summed.tokens += usage.tokensPerMinute;
    summed.requests += usage.requestsPerMinute;
    summed.leases += usage.concurrentRequests;

    // reservations − refunds + charges = what settled calls used + what is still reserved (open or expired at estimate).
    const own = handles.filter((handle) => handle.reservation.institutionId === institutionId);
    const accounted = own.reduce((sum, handle) => sum + (handle.status === 'settled' ? handle.actualTokens : handle.reservation.estimatedTokens), 0);
    const { reservedTokens, refundedTokens, chargedTokens } = member.ledger;
    if (!close(reservedTokens - refundedTokens + chargedTokens, accounted)) {
      violations.push(`${institutionId}: ledger ${reservedTokens} − ${refundedTokens} + ${chargedTokens} ≠ ${accounted}`);
    }
    const openIds = member.open
      .map((entry) => entry.id)
      .sort()
      .join();
    const expectedOpen = own
      .filter((handle) => handle.status === 'open' || handle.status === 'released')
      .map((handle) => handle.reservation.id)
      .sort()
      .join();
    if (openIds !== expectedOpen) violations.push(`${institutionId}: open reservations ${openIds} ≠ ${expectedOpen}`);
  }
  if (Math.min(...state.pool.tokens.slots, ...state.pool.requests.slots) < -1e-9) violations.push('pool: negative window slot');
  if (!close(pool.tokensPerMinute, summed.tokens) || pool.requestsPerMinute !== summed.requests || pool.concurrentRequests !== summed.leases) {
    violations.push(`pool ${JSON.stringify(pool)} ≠ sum of members ${JSON.stringify(summed)}`);
  }
  return violations;
}

describe('reservations, reconciliation and lease expiry', () => {
  it('balances the ledger, keeps counters non-negative and the pool equal to the sum of its members', () => {
    fc.assert(
      fc.property(setupArb, ({ policy, operations }) => {
        let state = createLimiterState(policy);
        let nowMs = START_MS;
        const handles: Handle[] = [];
        for (const operation of operations) {
          if (operation.kind === 'admit') {
            nowMs += operation.gapMs;
            const institutionId = policy.memberIds[operation.member % policy.memberIds.length]!;
            const step = admit(policy, state, { institutionId, estimatedTokens: operation.estimatedTokens }, nowMs);
            state = step.state;
            if (step.decision.admitted) handles.push({ reservation: step.decision.reservation, status: 'open', actualTokens: 0 });
          } else if (operation.kind === 'expire') {
            nowMs += operation.gapMs;
            const expired = expireLeases(state, nowMs);
            state = expired.state;
            for (const handle of handles) {
              if (expired.expiredIds.includes(handle.reservation.id)) handle.status = 'expired';
            }
            for (const member of Object.values(state.members)) {
              for (const entry of member.open) expect(entry.expiresAtMs).toBeGreaterThan(nowMs);
            }
          } else if (handles.length > 0) {
            const handle = handles[operation.pick % handles.length]!;
            const before = state;
            if (operation.kind === 'release') {
              const result = release(state, handle.reservation);
              state = result.state;
              expect(result.released).toBe(handle.status === 'open');
              if (handle.status === 'open') handle.status = 'released';
            } else {
              const actualTokens = Math.round(handle.reservation.estimatedTokens * operation.actualShare);
              const result = reconcile(policy, state, handle.reservation, actualTokens, nowMs);
              state = result.state;
              if (handle.status === 'open' || handle.status === 'released') {
                expect(result.settlement).toMatchObject({
                  outcome: 'settled',
                  refundedTokens: Math.max(0, handle.reservation.estimatedTokens - actualTokens),
                  chargedTokens: Math.max(0, actualTokens - handle.reservation.estimatedTokens),
                });
                handle.status = 'settled';
                handle.actualTokens = actualTokens;
              } else {
                expect(result.settlement).toEqual({ outcome: 'unknown_reservation' });
                expect(state).toBe(before);
              }
            }
          }
          expect(counterViolations(policy, state, handles, nowMs)).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('expires orphaned reservations and their leases once their TTL has passed, freeing concurrency', () => {
    const orphanArb = fc.record({
      setup: setupArb,
      sizes: fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 40 }),
    });
    fc.assert(
      fc.property(orphanArb, ({ setup: { policy }, sizes }) => {
        let state = createLimiterState(policy);
        const reservations: Reservation[] = [];
        sizes.forEach((estimatedTokens, index) => {
          const step = admit(policy, state, { institutionId: policy.memberIds[index % policy.memberIds.length]!, estimatedTokens }, START_MS + index * 100);
          state = step.state;
          if (step.decision.admitted) reservations.push(step.decision.reservation);
        });
        const lastAdmission = Math.max(START_MS, ...reservations.map((reservation) => reservation.admittedAtMs));
        const early = expireLeases(state, lastAdmission + policy.leaseTtlMs - 1);
        expect(early.expiredIds.length).toBeLessThan(Math.max(1, reservations.length));
        const expired = expireLeases(early.state, lastAdmission + policy.leaseTtlMs);
        expect([...early.expiredIds, ...expired.expiredIds].sort()).toEqual(reservations.map((reservation) => reservation.id).sort());
        expect(expired.state.pool.leases).toBe(0);
        for (const member of Object.values(expired.state.members)) {
          expect(member.open).toEqual([]);
          expect(member.usage.leases).toBe(0);
        }
        // Settled at their estimates: nothing refunded, nothing reserved twice.
        for (const reservation of reservations) {
          expect(reconcile(policy, expired.state, reservation, 0, lastAdmission + policy.leaseTtlMs).settlement).toEqual({ outcome: 'unknown_reservation' });
        }
      }),
      { numRuns: 150 },
    );
  });
});
