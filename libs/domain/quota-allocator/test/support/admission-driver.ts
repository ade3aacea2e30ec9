import { type AdmissionDecision, type AdmissionPolicy, type AdmissionRefusal, admit, type LimiterState, reconcile, type Reservation } from '../../src';

/** Holds a limiter state across calls, the way the gateway's in-process store does. */
export class LimiterHarness {
  constructor(
    readonly policy: AdmissionPolicy,
    public state: LimiterState,
  ) {}

  admit(institutionId: string, estimatedTokens: number, nowMs: number): AdmissionDecision {
    const step = admit(this.policy, this.state, { institutionId, estimatedTokens }, nowMs);
    this.state = step.state;
    return step.decision;
  }

  /** Admits and returns the reservation, failing the test with the refusal otherwise. */
  mustAdmit(institutionId: string, estimatedTokens: number, nowMs: number): Reservation {
    const decision = this.admit(institutionId, estimatedTokens, nowMs);
    if (!decision.admitted) throw new Error(`expected admission of ${institutionId} at ${nowMs}, got ${JSON.stringify(decision)}`);
    return decision.reservation;
  }

  /** Refuses and returns the refusal, failing the test on admission. */
  mustRefuse(institutionId: string, estimatedTokens: number, nowMs: number): AdmissionRefusal {
    const decision = this.admit(institutionId, estimatedTokens, nowMs);
    if (decision.admitted) throw new Error(`expected refusal of ${institutionId} at ${nowMs}, got admitted`);
    return decision;
  }

  reconcile(reservation: Reservation, actualTokens: number, nowMs: number): void {
    this.state = reconcile(this.policy, this.state, reservation, actualTokens, nowMs).state;
  }
}
