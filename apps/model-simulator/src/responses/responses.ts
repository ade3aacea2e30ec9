import { optionalBoolean, optionalInteger, type JsonObject } from '../http/json-fields';
import { invalidRequest, invalidType, missingParameter } from '../http/openai-error';
import { StableHasher } from '../text/stable-hash';
import { countTokens } from '@ai-commons/token-count';
import type { ChatCompletionRequest } from '../chat/chat-request';
import type { ChatCompletionPlan } from '../chat/chat-completion-plan';

/**
 * A Responses API request reduced to what the chat planner acts on: every string of `instructions`
 * and `input` (messages, content parts, function_call / function_call_output items) is counted and
 * seeds the text. `previous_response_id` is refused: the simulator stores nothing.
 */
export function parseResponsesRequest(body: JsonObject): ChatCompletionRequest {
  const model = body.model;
  if (model === undefined || model === null) throw missingParameter('model');
  if (typeof model !== 'string' || model.length === 0) throw invalidType('model', 'a non-empty string', model);
  if (body.previous_response_id !== undefined && body.previous_response_id !== null) {
    throw invalidRequest('The model simulator does not store responses.', 'previous_response_id', 'unsupported_parameter');
  }
  if (body.input === undefined || body.input === null) throw missingParameter('input');
  const hasher = new StableHasher().text(model);
  let promptTokens = 0;
  const pending: unknown[] = [body.instructions, body.input];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      hasher.text(value);
      promptTokens += countTokens(value);
    } else if (Array.isArray(value)) pending.push(...value);
    else if (typeof value === 'object' && value !== null) pending.push(...Object.values(value));
  }
  const stream = optionalBoolean(body, 'stream') ?? false;
  return { model, promptTokens, contentSeed: hasher.digest(), maxTokens: optionalInteger(body, 'max_output_tokens', 1), stream, includeUsage: stream };
}

function responseObject(plan: ChatCompletionPlan, status: 'in_progress' | 'completed' | 'incomplete', withOutput: boolean): Record<string, unknown> {
  const text = plan.pieces.join('');
  return {
    id: plan.id,
    object: 'response',
    created_at: plan.created,
    status,
    model: plan.model,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    output: withOutput ? [outputItem(plan, text, 'completed')] : [],
    usage: withOutput
      ? {
          input_tokens: plan.usage.prompt_tokens,
          output_tokens: plan.usage.completion_tokens,
          total_tokens: plan.usage.total_tokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens_details: { reasoning_tokens: 0 },
        }
      : null,
    error: null,
    tools: [],
    parallel_tool_calls: true,
    text: { format: { type: 'text' } },
  };
}

function outputItem(plan: ChatCompletionPlan, text: string, status: 'in_progress' | 'completed'): Record<string, unknown> {
  return { id: `msg_${plan.id}`, type: 'message', role: 'assistant', status, content: status === 'completed' ? [textPart(text)] : [] };
}

const textPart = (text: string) => ({ type: 'output_text', text, annotations: [] });
const finalStatus = (plan: ChatCompletionPlan) => (plan.finishReason === 'length' ? 'incomplete' : 'completed');

export function responsesBody(plan: ChatCompletionPlan): string {
  return JSON.stringify(responseObject(plan, finalStatus(plan), true));
}

/**
 * The Responses stream, laid out for the chat delivery timing: [0] created, in_progress,
 * output_item.added and content_part.added; [1..n] one output_text.delta per token; then
 * output_text.done, content_part.done, output_item.done and response.completed (or .incomplete).
 */
export function responsesStreamEvents(plan: ChatCompletionPlan): string[] {
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`;
  const itemId = `msg_${plan.id}`;
  const text = plan.pieces.join('');
  const events = [
    event('response.created', { response: responseObject(plan, 'in_progress', false) }) +
      event('response.in_progress', { response: responseObject(plan, 'in_progress', false) }) +
      event('response.output_item.added', { output_index: 0, item: outputItem(plan, '', 'in_progress') }) +
      event('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: textPart('') }),
  ];
  for (const piece of plan.pieces)
    events.push(event('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta: piece, logprobs: [] }));
  const status = finalStatus(plan);
  events.push(
    event('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text, logprobs: [] }) +
      event('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: textPart(text) }) +
      event('response.output_item.done', { output_index: 0, item: outputItem(plan, text, 'completed') }) +
      event(`response.${status}`, { response: responseObject(plan, status, true) }),
  );
  return events;
}
