import { SYSTEM_FINGERPRINT } from './chat-completion-body';
import type { ChatCompletionPlan } from './chat-completion-plan';

/**
 * The server-sent events of a streamed completion, in order:
 *   [0]        role chunk (`delta: {role: "assistant", content: ""}`)
 *   [1..n]     one chunk per completion token
 *   [n+1]      finish chunk (`delta: {}`, `finish_reason`)
 *   [n+2]      usage chunk (`choices: []`), only with `stream_options.include_usage`
 *   last       `data: [DONE]`
 * Chunks are assembled from a shared prefix so a long stream serializes only its deltas.
 */
export function chatStreamEvents(plan: ChatCompletionPlan, includeUsage: boolean): string[] {
  const head =
    `data: {"id":${JSON.stringify(plan.id)},"object":"chat.completion.chunk","created":${plan.created},` +
    `"model":${JSON.stringify(plan.model)},"system_fingerprint":"${SYSTEM_FINGERPRINT}","choices":`;
  const tail = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  const choice = (delta: string, finishReason: string): string => `[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finishReason}}]`;

  const events = new Array<string>(plan.pieces.length + (includeUsage ? 4 : 3));
  let next = 0;
  events[next++] = head + choice('{"role":"assistant","content":"","refusal":null}', 'null') + tail;
  for (const piece of plan.pieces) events[next++] = head + choice(`{"content":${JSON.stringify(piece)}}`, 'null') + tail;
  events[next++] = head + choice('{}', `"${plan.finishReason}"`) + tail;
  if (includeUsage) events[next++] = `${head}[],"usage":${JSON.stringify(plan.usage)}}\n\n`;
  events[next] = 'data: [DONE]\n\n';
  return events;
}
