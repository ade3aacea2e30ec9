import { optionalBoolean, optionalInteger, type JsonObject } from '../http/json-fields';
import { invalidRequest, invalidType, missingParameter } from '../http/openai-error';
import { StableHasher } from '../text/stable-hash';
import { countTokens } from '@ai-commons/token-count';
import type { ChatCompletionRequest } from '../chat/chat-request';

/**
 * Validates a legacy `/v1/completions` body (one prompt string, or an array of exactly one) and
 * reduces it to the shape the chat planner acts on: the prompt is counted as text, without chat framing.
 */
export function parseCompletionRequest(body: JsonObject): ChatCompletionRequest {
  const model = body.model;
  if (model === undefined || model === null) throw missingParameter('model');
  if (typeof model !== 'string') throw invalidType('model', 'a string', model);
  if (model.length === 0) throw invalidRequest("Invalid 'model': empty string.", 'model', 'invalid_value');
  const prompt = promptOf(body.prompt);
  const maxTokens = optionalInteger(body, 'max_tokens', 1);
  const n = optionalInteger(body, 'n', 1);
  if (n !== null && n !== 1) {
    throw invalidRequest(`Invalid 'n': the model simulator only generates one choice (n=1), got ${n}.`, 'n', 'unsupported_value');
  }
  const stream = optionalBoolean(body, 'stream') ?? false;
  const options = body.stream_options as { include_usage?: unknown } | null | undefined;
  const includeUsage = stream && typeof options === 'object' && options !== null && options.include_usage === true;
  const contentSeed = new StableHasher().text(model).text(prompt).digest();
  return { model, promptTokens: countTokens(prompt), contentSeed, maxTokens, stream, includeUsage };
}

function promptOf(prompt: unknown): string {
  if (prompt === undefined || prompt === null) throw missingParameter('prompt');
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string') return prompt[0];
  throw invalidRequest("Invalid 'prompt': the model simulator takes one prompt string.", 'prompt', 'invalid_type');
}
