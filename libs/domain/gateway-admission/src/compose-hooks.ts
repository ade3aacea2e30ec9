import type { Admission, AdmissionDecision, AdmissionSoFar, RequestHooks } from './request-hooks';

const REJECTED = { outcome: 'rejected', usage: { promptTokens: 0, completionTokens: 0 } } as const;

/** One admission standing for several: waits for all, shows each the response, completes each. */
function combined(granted: readonly Admission[]): Admission | undefined {
  if (granted.length === 0) return undefined;
  if (granted.length === 1) return granted[0];
  const waits = granted.map((admission) => admission.readyToRespond).filter((wait): wait is Promise<void> => wait !== undefined);
  const observers = granted.filter((admission) => admission.observeResponse);
  return {
    readyToRespond: waits.length === 1 ? waits[0] : waits.length ? Promise.all(waits).then(() => undefined) : undefined,
    observeResponse: observers.length ? (chunk) => observers.forEach((admission) => admission.observeResponse!(chunk)) : undefined,
    complete: (result) => granted.forEach((admission) => admission.complete(result)),
  };
}

/**
 * Runs hooks in order (data policy, then quota, then audit), each seeing the request facts and what
 * the hooks before it decided (labels, the masked body) as a fresh object. The first refusal ends
 * it: the earlier admissions are completed as `rejected` (reservations are released) and the
 * refusal is the result. Otherwise the result is a mask when any hook masked (with the last body),
 * else an allow, owing what every hook's admission owes. A hook that throws is completed the same
 * way and its error passed on.
 */
export function composeHooks(...hooks: RequestHooks[]): RequestHooks {
  return {
    async decide(request, soFar) {
      const granted: Admission[] = [];
      let decided: AdmissionSoFar = soFar;
      const releaseGranted = (status: number) => {
        const latencyMs = performance.now() - request.startedAt;
        for (const admission of granted) admission.complete({ httpStatus: status, ...REJECTED, latencyMs });
      };
      for (const hook of hooks) {
        let decision: AdmissionDecision;
        try {
          const answer = hook.decide(request, decided);
          // Awaited only when the hook is asynchronous (a quota pool's store, the audit record).
          decision = answer instanceof Promise ? await answer : answer;
        } catch (error) {
          releaseGranted((error as { status?: number }).status ?? 500);
          throw error;
        }
        if (decision.decision === 'refuse') {
          releaseGranted(decision.refusal.error.status);
          return decision;
        }
        if (decision.admission) granted.push(decision.admission);
        if (decision.labels || decision.useCase || decision.decision === 'mask') {
          decided = Object.freeze({
            labels: decision.labels ?? decided.labels,
            useCase: decision.useCase ?? decided.useCase,
            maskedBody: decision.decision === 'mask' ? decision.body : decided.maskedBody,
          });
        }
      }
      const admission = combined(granted);
      const { labels, useCase } = decided;
      return decided.maskedBody
        ? { decision: 'mask', body: decided.maskedBody, admission, labels, useCase }
        : { decision: 'allow', admission, labels, useCase };
    },
  };
}
