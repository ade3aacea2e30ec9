import { estimateTextTokens } from './text-estimate';

/** OpenAI's cookbook accounting (the model simulator's too): framing per message, per name, and the reply's priming. */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const TOKENS_FOR_REPLY_PRIMING = 3;

/** Fields of a chat request besides the messages that the model reads as part of its prompt. */
const PROMPT_FIELDS = ['tools', 'functions', 'response_format'] as const;
const NON_TEXT_PARTS = new Set(['image_url', 'input_audio', 'file']);

export interface EstimateCosts {
  /** Tokens one image (or other non-text part: audio, file) costs: the endpoint's configured figure. */
  imageTokens: number;
}

export interface RequestEstimate {
  /** An upper bound of the prompt tokens the model reads. */
  promptTokens: number;
  /** The most output tokens the call may produce: the allowance per choice × `n`. */
  outputTokens: number;
  /** Images, audio and files among the message parts (each costs `imageTokens`). */
  nonTextParts: number;
}

/**
 * What a chat completion request will cost at most: every message part (text, refusals, tool calls
 * and their ids, names, roles), the tool and function definitions and the response format, images at
 * the endpoint's cost, and `n` choices of `outputTokensPerChoice`. Reads a body whose shape the
 * gateway has checked only loosely: values of an unexpected type cost their JSON text. O(body size).
 */
export function estimateChatRequest(body: Record<string, unknown>, costs: EstimateCosts, outputTokensPerChoice: number): RequestEstimate {
  const state = { tokens: TOKENS_FOR_REPLY_PRIMING, nonTextParts: 0 };
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const message of messages) {
    state.tokens += TOKENS_PER_MESSAGE;
    if (!isObject(message)) {
      state.tokens += jsonTokens(message);
      continue;
    }
    state.tokens += textTokens(message.role);
    if (message.name !== undefined && message.name !== null) state.tokens += TOKENS_PER_NAME + textTokens(message.name);
    state.tokens += textTokens(message.tool_call_id);
    state.tokens += contentTokens(message.content, costs, state);
    state.tokens += contentTokens(message.refusal, costs, state);
    if (message.function_call !== undefined && message.function_call !== null) state.tokens += jsonTokens(message.function_call);
    if (Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls) state.tokens += toolCallTokens(call);
    } else if (message.tool_calls !== undefined && message.tool_calls !== null) {
      state.tokens += jsonTokens(message.tool_calls);
    }
  }
  for (const field of PROMPT_FIELDS) {
    if (body[field] !== undefined && body[field] !== null) state.tokens += jsonTokens(body[field]);
  }
  return { promptTokens: state.tokens, outputTokens: outputTokensPerChoice * choicesOf(body.n), nonTextParts: state.nonTextParts };
}

/** An embeddings request: text inputs estimated, token-id inputs counted exactly. */
export function estimateEmbeddingsRequest(body: Record<string, unknown>): RequestEstimate {
  const input = body.input;
  let tokens = 0;
  if (typeof input === 'string') tokens = estimateTextTokens(input);
  else if (Array.isArray(input)) {
    for (const item of input) {
      if (typeof item === 'string') tokens += estimateTextTokens(item);
      else if (typeof item === 'number') tokens += 1;
      else if (Array.isArray(item)) tokens += item.length;
      else tokens += jsonTokens(item);
    }
  } else if (input !== undefined && input !== null) tokens = jsonTokens(input);
  return { promptTokens: tokens, outputTokens: 0, nonTextParts: 0 };
}

/**
 * A legacy completions request: the prompt (a string, strings, or token arrays, each prompt its own
 * completion) estimated like embeddings input, and `n` completions of `outputTokensPerChoice` per prompt.
 */
export function estimateCompletionsRequest(body: Record<string, unknown>, outputTokensPerChoice: number): RequestEstimate {
  const prompt = body.prompt;
  const promptTokens = estimateEmbeddingsRequest({ input: prompt }).promptTokens + estimateTextTokens(typeof body.suffix === 'string' ? body.suffix : '');
  const prompts = Array.isArray(prompt) && prompt.length > 0 && !prompt.every((item) => typeof item === 'number') ? prompt.length : 1;
  return { promptTokens, outputTokens: outputTokensPerChoice * choicesOf(body.n) * prompts, nonTextParts: 0 };
}

/**
 * A rerank request: the model reads the query with each document, so the query counts once per
 * document (as vLLM and TEI bill it); values of an unexpected type cost their JSON text.
 */
export function estimateRerankRequest(body: Record<string, unknown>): RequestEstimate {
  const query = textTokens(body.query);
  const documents = Array.isArray(body.documents) ? body.documents : [body.documents];
  let tokens = 0;
  for (const document of documents) {
    const text = isObject(document) && typeof document.text === 'string' ? document.text : document;
    tokens += query + textTokens(text);
  }
  return { promptTokens: tokens, outputTokens: 0, nonTextParts: 0 };
}

/**
 * A Responses API request: `instructions`, every input item (messages, parts, function calls and
 * their outputs) and the tool definitions at the estimate of their JSON text, an upper bound.
 */
export function estimateResponsesRequest(body: Record<string, unknown>, outputTokens: number): RequestEstimate {
  let tokens = TOKENS_FOR_REPLY_PRIMING + textTokens(body.instructions) + textTokens(body.input);
  if (body.tools !== undefined && body.tools !== null) tokens += jsonTokens(body.tools);
  if (body.text !== undefined && body.text !== null) tokens += jsonTokens(body.text);
  return { promptTokens: tokens, outputTokens, nonTextParts: 0 };
}

/** A score request: each (text_1, text_2) pair is read whole; a single `text_1` once per pair. */
export function estimateScoreRequest(body: Record<string, unknown>): RequestEstimate {
  const first = Array.isArray(body.text_1) ? body.text_1 : [body.text_1];
  const second = Array.isArray(body.text_2) ? body.text_2 : [body.text_2];
  let tokens = 0;
  for (let index = 0; index < Math.max(first.length, second.length); index++) {
    tokens += textTokens(first.length === 1 ? first[0] : first[index]) + textTokens(second.length === 1 ? second[0] : second[index]);
  }
  return { promptTokens: tokens, outputTokens: 0, nonTextParts: 0 };
}

/** `n` choices when it is a positive whole number; anything else is the upstream's to refuse (1). */
function choicesOf(n: unknown): number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : 1;
}

function contentTokens(content: unknown, costs: EstimateCosts, state: { nonTextParts: number }): number {
  if (content === undefined || content === null) return 0;
  if (typeof content === 'string') return estimateTextTokens(content);
  if (!Array.isArray(content)) return jsonTokens(content);
  let tokens = 0;
  for (const part of content) {
    if (!isObject(part)) tokens += jsonTokens(part);
    else if (typeof part.text === 'string') tokens += estimateTextTokens(part.text);
    else if (typeof part.refusal === 'string') tokens += estimateTextTokens(part.refusal);
    else if (typeof part.type === 'string' && NON_TEXT_PARTS.has(part.type)) {
      tokens += costs.imageTokens;
      state.nonTextParts++;
    } else tokens += jsonTokens(part);
  }
  return tokens;
}

function toolCallTokens(call: unknown): number {
  if (!isObject(call) || !isObject(call.function)) return jsonTokens(call);
  return textTokens(call.id) + textTokens(call.function.name) + textTokens(call.function.arguments);
}

function textTokens(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'string' ? estimateTextTokens(value) : jsonTokens(value);
}

function jsonTokens(value: unknown): number {
  return estimateTextTokens(JSON.stringify(value) ?? '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
