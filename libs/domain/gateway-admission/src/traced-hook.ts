import { SpanKind, context } from '@opentelemetry/api';
import { failed, type Tracing } from '@ai-commons/observability';
import type { RequestHooks } from './request-hooks';

/**
 * A hook whose decision is a span (`name`, a child of the request's span) with what it decided:
 * allow, mask or refuse and the refusal's code, and the policy's labels when it set them. With
 * `commitSpan`, an admission that owes a durable record before the answer (the audit hook's) gets
 * a second span, beside the first, from the decision until that record is committed.
 * Only composed when tracing is on: the untraced hook is used as it is otherwise.
 */
export function tracedHook(tracing: Tracing, name: string, hook: RequestHooks, commitSpan?: string): RequestHooks {
  return {
    decide(request, soFar) {
      const requestContext = context.active();
      // Not sampled: the hook as it is, without a wrapper's promises.
      if (tracing.unsampled(requestContext)) return hook.decide(request, soFar);
      return tracing.inSpan(name, async (span) => {
        const decision = await hook.decide(request, soFar);
        span.setAttribute('ai_commons.decision', decision.decision);
        if (decision.decision === 'refuse') {
          span.setAttribute('ai_commons.refusal.code', decision.refusal.error.code);
          return decision;
        }
        if (decision.labels) {
          span.setAttribute('ai_commons.data_classification', decision.labels.dataClassification);
          span.setAttribute('ai_commons.policy.decision', decision.labels.policyDecision);
        }
        const durable = decision.admission?.readyToRespond;
        if (commitSpan && durable) {
          const commit = tracing.startSpan(commitSpan, undefined, SpanKind.INTERNAL, requestContext);
          durable.then(
            () => commit.end(),
            (error: unknown) => {
              failed(commit, error);
              commit.end();
            },
          );
        }
        return decision;
      });
    },
  };
}
