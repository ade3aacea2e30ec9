import { invalidRequest } from './openai-error';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

export interface ChatRequestSummary {
  model: string;
  stream: boolean;
  /**
   * The largest output limit the caller sent (`max_tokens` or `max_completion_tokens`; servers
   * differ on which wins, so both are held to the endpoint's maximum), if any, and which field.
   */
  maxTokens?: number;
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** `n`: completions asked for (1 when absent). */
  choices: number;
  includeUsage: boolean;
}

export interface EmbeddingsRequestSummary {
  model: string;
}

function requireModel(body: Record<string, unknown>): string {
  if (body.model === undefined) throw invalidRequest('you must provide a model parameter', 'model', 'missing_required_parameter');
  if (typeof body.model !== 'string' || body.model.length === 0 || body.model.length > 256) {
    throw invalidRequest('model must be a non-empty string', 'model', 'invalid_type');
  }
  return body.model;
}

function optionalPositiveInteger(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidRequest(`${field} must be a positive integer`, field, 'invalid_type');
  }
  return value;
}

// The quota estimate counts tokens itself (token-count); this only checks the content's shape.
function checkContent(content: unknown, index: number): void {
  if (content === null || content === undefined || typeof content === 'string') return;
  if (Array.isArray(content)) {
    for (const part of content) {
      const isText = part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string';
      if (!isText && (!part || typeof part !== 'object' || typeof (part as { type?: unknown }).type !== 'string')) {
        throw invalidRequest(`messages[${index}].content has an invalid part`, `messages[${index}].content`, 'invalid_type');
      }
    }
    return;
  }
  throw invalidRequest(`messages[${index}].content must be a string or an array of parts`, `messages[${index}].content`, 'invalid_type');
}

/** Checks the fields the gateway relies on; everything else passes through to the upstream. */
export function validateChatRequest(body: Record<string, unknown>): ChatRequestSummary {
  const model = requireModel(body);
  const messages = body.messages;
  if (messages === undefined) throw invalidRequest('you must provide a messages parameter', 'messages', 'missing_required_parameter');
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidRequest('messages must be a non-empty array', 'messages', 'invalid_type');
  }
  messages.forEach((message: unknown, index) => {
    if (!message || typeof message !== 'object') throw invalidRequest(`messages[${index}] must be an object`, `messages[${index}]`, 'invalid_type');
    const { role, content } = message as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw invalidRequest(`messages[${index}].role must be one of ${[...ROLES].join(', ')}`, `messages[${index}].role`, 'invalid_value');
    }
    checkContent(content, index);
  });
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw invalidRequest('stream must be a boolean', 'stream', 'invalid_type');
  }
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null && (typeof streamOptions !== 'object' || Array.isArray(streamOptions))) {
    throw invalidRequest('stream_options must be an object', 'stream_options', 'invalid_type');
  }
  const maxCompletionTokens = optionalPositiveInteger(body, 'max_completion_tokens');
  const maxTokens = optionalPositiveInteger(body, 'max_tokens');
  const maxTokensField =
    maxTokens !== undefined && (maxCompletionTokens === undefined || maxTokens > maxCompletionTokens)
      ? 'max_tokens'
      : maxCompletionTokens !== undefined
        ? 'max_completion_tokens'
        : undefined;
  return {
    model,
    stream: body.stream === true,
    maxTokens: maxTokensField === undefined ? undefined : Math.max(maxTokens ?? 0, maxCompletionTokens ?? 0),
    maxTokensField,
    choices: optionalPositiveInteger(body, 'n') ?? 1,
    includeUsage: (streamOptions as { include_usage?: unknown } | undefined)?.include_usage === true,
  };
}

export function validateEmbeddingsRequest(body: Record<string, unknown>): EmbeddingsRequestSummary {
  const model = requireModel(body);
  const input = body.input;
  if (input === undefined) throw invalidRequest('you must provide an input parameter', 'input', 'missing_required_parameter');
  let promptCharacters = 0;
  if (typeof input === 'string') {
    promptCharacters = input.length;
  } else if (Array.isArray(input) && input.length > 0 && input.length <= 2048) {
    for (const item of input) {
      if (typeof item === 'string') promptCharacters += item.length;
      else if (typeof item === 'number' && Number.isInteger(item)) promptCharacters += 4;
      else if (Array.isArray(item) && item.every((token) => typeof token === 'number' && Number.isInteger(token))) promptCharacters += item.length * 4;
      else throw invalidRequest('input must be a string, an array of strings or an array of token arrays', 'input', 'invalid_type');
    }
  } else {
    throw invalidRequest('input must be a non-empty string or array (at most 2048 items)', 'input', 'invalid_type');
  }
  if (promptCharacters === 0) throw invalidRequest('input must not be empty', 'input', 'invalid_value');
  return { model };
}

export interface CompletionsRequestSummary {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  maxTokens?: number;
  /** Completions asked for: `n` × the number of prompts (each prompt of an array is completed apart). */
  choices: number;
}

const MAX_PROMPTS = 2048;
const MAX_SCORE_TEXTS = 1024;

/** A score body: `text_1` and `text_2` each a non-empty string or 1..1024 of them; `text_1` one or as many as `text_2`. */
export function validateScoreRequest(body: Record<string, unknown>): { model: string } {
  const model = requireModel(body);
  const count = (field: 'text_1' | 'text_2'): number => {
    const value = body[field];
    if (value === undefined || value === null) throw invalidRequest(`you must provide a ${field} parameter`, field, 'missing_required_parameter');
    if (typeof value === 'string' && value.length > 0) return 1;
    if (Array.isArray(value) && value.length > 0 && value.length <= MAX_SCORE_TEXTS && value.every((item) => typeof item === 'string' && item.length > 0))
      return value.length;
    throw invalidRequest(`${field} must be a non-empty string or 1..${MAX_SCORE_TEXTS} non-empty strings`, field, 'invalid_type');
  };
  const first = count('text_1');
  const second = count('text_2');
  if (first !== 1 && first !== second) throw invalidRequest('text_1 must be one text or as many as text_2', 'text_1', 'invalid_value');
  return { model };
}
const MAX_INPUT_ITEMS = 2048;

/**
 * A Responses API body: `input` a non-empty string or array (≤ 2048 items) of objects,
 * `instructions` a string, `max_output_tokens` a positive integer, `stream` a boolean.
 * `previous_response_id` is refused with its own code: the gateway keeps no responses and
 * forwards none to an upstream store (see forwarded-fields), so a conversation is resent whole.
 */
export function validateResponsesRequest(body: Record<string, unknown>): { model: string; stream: boolean; maxTokens?: number } {
  const model = requireModel(body);
  if (body.previous_response_id !== undefined && body.previous_response_id !== null) {
    throw invalidRequest(
      'previous_response_id is not supported: this gateway stores no responses; send the whole conversation as input',
      'previous_response_id',
      'previous_response_not_supported',
    );
  }
  const input = body.input;
  if (input === undefined || input === null) throw invalidRequest('you must provide an input parameter', 'input', 'missing_required_parameter');
  if (typeof input === 'string') {
    if (input.length === 0) throw invalidRequest('input must not be empty', 'input', 'invalid_value');
  } else if (!Array.isArray(input) || input.length === 0 || input.length > MAX_INPUT_ITEMS) {
    throw invalidRequest(`input must be a non-empty string or array (at most ${MAX_INPUT_ITEMS} items)`, 'input', 'invalid_type');
  } else {
    input.forEach((item: unknown, index) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        throw invalidRequest(`input[${index}] must be an object`, `input[${index}]`, 'invalid_type');
    });
  }
  if (body.instructions !== undefined && body.instructions !== null && typeof body.instructions !== 'string') {
    throw invalidRequest('instructions must be a string', 'instructions', 'invalid_type');
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw invalidRequest('stream must be a boolean', 'stream', 'invalid_type');
  }
  return { model, stream: body.stream === true, maxTokens: optionalPositiveInteger(body, 'max_output_tokens') };
}
const MAX_RERANK_DOCUMENTS = 1024;

/**
 * A rerank body: `query` a non-empty string, `documents` a non-empty array (at most 1024) of
 * strings or `{ text }` objects, `top_n` a positive integer, `return_documents` a boolean.
 */
export function validateRerankRequest(body: Record<string, unknown>): { model: string } {
  const model = requireModel(body);
  if (body.query === undefined) throw invalidRequest('you must provide a query parameter', 'query', 'missing_required_parameter');
  if (typeof body.query !== 'string' || body.query.length === 0) throw invalidRequest('query must be a non-empty string', 'query', 'invalid_type');
  const documents = body.documents;
  if (documents === undefined) throw invalidRequest('you must provide a documents parameter', 'documents', 'missing_required_parameter');
  if (!Array.isArray(documents) || documents.length === 0 || documents.length > MAX_RERANK_DOCUMENTS) {
    throw invalidRequest(`documents must be a non-empty array (at most ${MAX_RERANK_DOCUMENTS})`, 'documents', 'invalid_type');
  }
  documents.forEach((document: unknown, index) => {
    const text = typeof document === 'string' ? document : (document as { text?: unknown } | null)?.text;
    if (typeof text !== 'string' || (typeof document === 'object' && Object.keys(document as object).length !== 1)) {
      throw invalidRequest(`documents[${index}] must be a string or { text }`, `documents[${index}]`, 'invalid_type');
    }
  });
  optionalPositiveInteger(body, 'top_n');
  if (body.return_documents !== undefined && body.return_documents !== null && typeof body.return_documents !== 'boolean') {
    throw invalidRequest('return_documents must be a boolean', 'return_documents', 'invalid_type');
  }
  return { model };
}

/**
 * A legacy completions body: `prompt` a non-empty string, an array of strings, an array of token
 * ids, or an array of token-id arrays (at most 2048 prompts); `stream`, `max_tokens`, `n` typed.
 */
export function validateCompletionsRequest(body: Record<string, unknown>): CompletionsRequestSummary {
  const model = requireModel(body);
  const prompt = body.prompt;
  if (prompt === undefined || prompt === null) throw invalidRequest('you must provide a prompt parameter', 'prompt', 'missing_required_parameter');
  let prompts = 1;
  const isTokenIds = (value: unknown) =>
    Array.isArray(value) && value.length > 0 && value.every((token) => typeof token === 'number' && Number.isInteger(token) && token >= 0);
  if (typeof prompt === 'string') {
    if (prompt.length === 0) throw invalidRequest('prompt must not be empty', 'prompt', 'invalid_value');
  } else if (Array.isArray(prompt) && prompt.length > 0 && prompt.length <= MAX_PROMPTS) {
    if (!isTokenIds(prompt)) {
      if (!prompt.every((item) => (typeof item === 'string' && item.length > 0) || isTokenIds(item))) {
        throw invalidRequest('prompt must be a string, an array of strings, an array of token ids or an array of token-id arrays', 'prompt', 'invalid_type');
      }
      prompts = prompt.length;
    }
  } else {
    throw invalidRequest(`prompt must be a non-empty string or array (at most ${MAX_PROMPTS} prompts)`, 'prompt', 'invalid_type');
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw invalidRequest('stream must be a boolean', 'stream', 'invalid_type');
  }
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null && (typeof streamOptions !== 'object' || Array.isArray(streamOptions))) {
    throw invalidRequest('stream_options must be an object', 'stream_options', 'invalid_type');
  }
  return {
    model,
    stream: body.stream === true,
    includeUsage: (streamOptions as { include_usage?: unknown } | undefined)?.include_usage === true,
    maxTokens: optionalPositiveInteger(body, 'max_tokens'),
    choices: (optionalPositiveInteger(body, 'n') ?? 1) * prompts,
  };
}
