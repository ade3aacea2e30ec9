import { SpanKind, context, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { failed, type Tracing } from '@ai-commons/observability';
import type { AdmissionDecision, RequestHooks } from './request-hooks';

export interface TracedHookOptions {
  /**
   * 'span' (default): the decision is a child span of the request's span. 'event': an event of the
   * request's span, with `ai_commons.duration_ms`, for a stage that only computes (a lookup, a
   * scan, a hash) and would make a span of a few microseconds at several times its cost.
   */
  as?: 'span' | 'event';
  /**
   * An admission that owes a durable record before the answer (the audit hook's) gets a span of
   * this name, beside the decision, from the decision until that record is committed.
   */
  commitSpan?: string;
}

/**
 * A hook whose decision is recorded in the request's trace (`name`): what it decided — allow, mask
 * or refuse and the refusal's code — and the policy's labels when it set them; see `as` and
 * `commitSpan`. Only composed when tracing is on, and in a request that is not recorded the hook
 * runs as it is (no wrapper, no promise of its own).
 */
export function tracedHook(tracing: Tracing, name: string, hook: RequestHooks, options: TracedHookOptions = {}): RequestHooks {
  const { as = 'span', commitSpan } = options;
  return {
    decide(request, soFar) {
      const requestContext = context.active();
      const requestSpan = tracing.recordedSpan(requestContext);
      if (!requestSpan) return hook.decide(request, soFar);
      const traced =
        as === 'event'
          ? decideAsEvent(requestSpan, name, () => hook.decide(request, soFar))
          : tracing.inSpan(name, async (span) => {
              const decision = await hook.decide(request, soFar);
              span?.setAttributes(decisionAttributes(decision));
              return decision;
            });
      return commitSpan ? traced.then((decision) => spanCommit(tracing, commitSpan, decision, requestContext)) : traced;
    },
  };
}

async function decideAsEvent(requestSpan: Span, name: string, decide: () => AdmissionDecision | Promise<AdmissionDecision>): Promise<AdmissionDecision> {
  const startedAt = performance.now();
  try {
    const decision = await decide();
    requestSpan.addEvent(name, { ...decisionAttributes(decision), 'ai_commons.duration_ms': performance.now() - startedAt });
    return decision;
  } catch (error) {
    requestSpan.addEvent(name, { 'ai_commons.decision': 'error', 'ai_commons.duration_ms': performance.now() - startedAt });
    requestSpan.recordException(error instanceof Error ? error : String(error));
    throw error;
  }
}

function decisionAttributes(decision: AdmissionDecision): Attributes {
  if (decision.decision === 'refuse') return { 'ai_commons.decision': 'refuse', 'ai_commons.refusal.code': decision.refusal.error.code };
  if (!decision.labels) return { 'ai_commons.decision': decision.decision };
  return {
    'ai_commons.decision': decision.decision,
    'ai_commons.data_classification': decision.labels.dataClassification,
    'ai_commons.policy.decision': decision.labels.policyDecision,
  };
}

/** The commit of the admission's durable record, if it owes one: a span from now until it is written (or failed). */
function spanCommit(tracing: Tracing, name: string, decision: AdmissionDecision, requestContext: Context): AdmissionDecision {
  const durable = decision.decision === 'refuse' ? undefined : decision.admission?.readyToRespond;
  const commit = durable && tracing.startSpan(name, undefined, SpanKind.INTERNAL, requestContext);
  if (commit) {
    durable.then(
      () => commit.end(),
      (error: unknown) => {
        failed(commit, error);
        commit.end();
      },
    );
  }
  return decision;
}
