import type { CheckResult, IsolationCheck, RunContext } from './check';

/**
 * Runs one check and states its result. A check that throws has not shown isolation holds, so it
 * fails (with the error as evidence) and the run goes on with the next check.
 */
export async function runCheck(check: IsolationCheck, context: RunContext): Promise<CheckResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  let outcome;
  try {
    outcome = await check.run(context);
  } catch (error) {
    const message = (error as Error).message;
    outcome = { status: 'fail' as const, summary: `The check could not complete: ${message}`, evidence: { error: message } };
  }
  return {
    id: check.id,
    title: check.title,
    concern: check.concern,
    method: check.method,
    ...outcome,
    startedAt,
    durationMs: Math.round(performance.now() - started),
  };
}
