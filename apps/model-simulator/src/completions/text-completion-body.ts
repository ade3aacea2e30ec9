import type { ChatCompletionPlan } from '../chat/chat-completion-plan';

/** The non-streaming legacy `text_completion` response body. */
export function textCompletionBody(plan: ChatCompletionPlan): string {
  return JSON.stringify({
    id: plan.id,
    object: 'text_completion',
    created: plan.created,
    model: plan.model,
    choices: [{ index: 0, text: plan.pieces.join(''), logprobs: null, finish_reason: plan.finishReason }],
    usage: plan.usage,
  });
}

/**
 * The server-sent events of a streamed legacy completion, laid out as chatStreamEvents() lays out a
 * chat stream (so the same delivery timing applies): an empty first chunk, one chunk per token,
 * the finish chunk, the usage chunk when asked for, `[DONE]`.
 */
export function textCompletionStreamEvents(plan: ChatCompletionPlan, includeUsage: boolean): string[] {
  const head =
    `data: {"id":${JSON.stringify(plan.id)},"object":"text_completion","created":${plan.created},` + `"model":${JSON.stringify(plan.model)},"choices":`;
  const tail = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  const choice = (text: string, finishReason: string): string => `[{"index":0,"text":${JSON.stringify(text)},"logprobs":null,"finish_reason":${finishReason}}]`;
  const events: string[] = [head + choice('', 'null') + tail];
  for (const piece of plan.pieces) events.push(head + choice(piece, 'null') + tail);
  events.push(head + choice('', `"${plan.finishReason}"`) + tail);
  if (includeUsage) events.push(`${head}[],"usage":${JSON.stringify(plan.usage)}}\n\n`);
  events.push('data: [DONE]\n\n');
  return events;
}
