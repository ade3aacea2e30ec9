import type { ChatCompletionPlan } from './chat-completion-plan';

export const SYSTEM_FINGERPRINT = 'fp_model_simulator';

/** The non-streaming `chat.completion` response body. */
export function chatCompletionBody(plan: ChatCompletionPlan): string {
  return JSON.stringify({
    id: plan.id,
    object: 'chat.completion',
    created: plan.created,
    model: plan.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: plan.pieces.join(''), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: plan.finishReason,
      },
    ],
    usage: plan.usage,
    system_fingerprint: SYSTEM_FINGERPRINT,
  });
}
