import { isJsonObject, optionalBoolean, optionalInteger, type JsonObject } from '../http/json-fields';
import { invalidRequest, invalidType, missingParameter } from '../http/openai-error';
import { StableHasher, type HashDigest } from '../text/stable-hash';
import { countTokens, TOKENS_FOR_REPLY_PRIMING, TOKENS_PER_MESSAGE, TOKENS_PER_NAME } from '@ai-commons/token-count';

/** A validated chat completion request, reduced to what the simulator acts on. */
export interface ChatCompletionRequest {
  readonly model: string;
  readonly promptTokens: number;
  /** Seed of the completion text: a hash of the model and the messages. */
  readonly contentSeed: HashDigest;
  /** `max_completion_tokens`, else `max_tokens`, else null. */
  readonly maxTokens: number | null;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  /** What a prefix cache would hold for this prompt (chat: the messages before the last); absent without one. */
  readonly prefixKey?: string;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

/** OpenAI's cookbook accounting: each message costs 3 tokens of framing, a name 1 more, the reply 3. */
export { TOKENS_FOR_REPLY_PRIMING, TOKENS_PER_MESSAGE, TOKENS_PER_NAME };
/** Images, audio and files cost a flat amount (OpenAI's low-detail image price). */
export const TOKENS_PER_NON_TEXT_PART = 85;

const enum Tag {
  Message = 1,
  Role,
  Name,
  Content,
  Part,
  ToolCall,
  ToolCallId,
}

/**
 * Validates a `/chat/completions` body. `model` comes from the body, or from the URL for Azure
 * deployments (`deployment`), where a body `model` is ignored as Azure does.
 */
export function parseChatCompletionRequest(body: JsonObject, deployment: string | null): ChatCompletionRequest {
  const model = deployment ?? requireModel(body);
  const hasher = new StableHasher().text(model);
  const promptTokens = accountMessages(body.messages, hasher);

  const maxTokens = optionalInteger(body, 'max_completion_tokens', 1) ?? optionalInteger(body, 'max_tokens', 1);
  const n = optionalInteger(body, 'n', 1);
  if (n !== null && n !== 1) {
    throw invalidRequest(`Invalid 'n': the model simulator only generates one choice (n=1), got ${n}.`, 'n', 'unsupported_value');
  }
  const stream = optionalBoolean(body, 'stream') ?? false;
  const includeUsage = parseStreamOptions(body.stream_options, stream);
  return { model, promptTokens, contentSeed: hasher.digest(), maxTokens, stream, includeUsage, prefixKey: prefixKeyOf(model, body.messages as unknown[]) };
}

/** The model and every message before the last, hashed; absent for a single message. */
function prefixKeyOf(model: string, messages: unknown[]): string | undefined {
  if (messages.length < 2) return undefined;
  const digest = new StableHasher()
    .text(model)
    .text(JSON.stringify(messages.slice(0, -1)))
    .digest();
  return `${digest.high.toString(16)}${digest.low.toString(16).padStart(8, '0')}`;
}

function requireModel(body: JsonObject): string {
  const model = body.model;
  if (model === undefined || model === null) throw missingParameter('model');
  if (typeof model !== 'string') throw invalidType('model', 'a string', model);
  if (model.length === 0) throw invalidRequest("Invalid 'model': empty string.", 'model', 'invalid_value');
  return model;
}

function parseStreamOptions(value: unknown, stream: boolean): boolean {
  if (value === undefined || value === null) return false;
  if (!stream) {
    throw invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options', 'invalid_value');
  }
  if (!isJsonObject(value)) throw invalidType('stream_options', 'an object', value);
  return optionalBoolean(value, 'include_usage', 'stream_options.include_usage') ?? false;
}

/** Validates the messages, feeds them to the hasher and returns the prompt token count. */
function accountMessages(messages: unknown, hasher: StableHasher): number {
  if (messages === undefined || messages === null) throw missingParameter('messages');
  if (!Array.isArray(messages)) throw invalidType('messages', 'an array', messages);
  if (messages.length === 0) {
    throw invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  let tokens = TOKENS_FOR_REPLY_PRIMING;
  for (let index = 0; index < messages.length; index++) {
    tokens += accountMessage(messages[index], `messages[${index}]`, hasher);
  }
  return tokens;
}

function accountMessage(message: unknown, param: string, hasher: StableHasher): number {
  if (!isJsonObject(message)) throw invalidType(param, 'an object', message);
  const role = message.role;
  if (role === undefined) throw missingParameter(`${param}.role`);
  if (typeof role !== 'string' || !ROLES.has(role)) {
    throw invalidRequest(
      `Invalid value for '${param}.role': ${JSON.stringify(role)}. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool' and 'function'.`,
      `${param}.role`,
      'invalid_value',
    );
  }
  hasher.tag(Tag.Message).tag(Tag.Role).text(role);
  let tokens = TOKENS_PER_MESSAGE + countTokens(role);

  const name = message.name;
  if (name !== undefined && name !== null) {
    if (typeof name !== 'string') throw invalidType(`${param}.name`, 'a string', name);
    hasher.tag(Tag.Name).text(name);
    tokens += TOKENS_PER_NAME + countTokens(name);
  }
  const toolCallId = message.tool_call_id;
  if (typeof toolCallId === 'string') hasher.tag(Tag.ToolCallId).text(toolCallId);

  const toolCallTokens = accountToolCalls(message.tool_calls, `${param}.tool_calls`, hasher);
  const content = message.content;
  if (content === undefined || content === null) {
    // Only an assistant turn may omit content (it carries tool calls or a refusal instead).
    if (role !== 'assistant') throw missingParameter(`${param}.content`);
    return tokens + toolCallTokens;
  }
  return tokens + toolCallTokens + accountContent(content, `${param}.content`, hasher);
}

function accountContent(content: unknown, param: string, hasher: StableHasher): number {
  hasher.tag(Tag.Content);
  if (typeof content === 'string') {
    hasher.text(content);
    return countTokens(content);
  }
  if (!Array.isArray(content)) throw invalidType(param, 'a string or an array of content parts', content);
  let tokens = 0;
  for (let index = 0; index < content.length; index++) {
    tokens += accountContentPart(content[index], `${param}[${index}]`, hasher);
  }
  return tokens;
}

function accountContentPart(part: unknown, param: string, hasher: StableHasher): number {
  if (!isJsonObject(part)) throw invalidType(param, 'an object', part);
  const type = part.type;
  if (typeof type !== 'string') throw missingParameter(`${param}.type`);
  hasher.tag(Tag.Part).text(type);
  switch (type) {
    case 'text':
    case 'refusal': {
      const text = part[type];
      if (typeof text !== 'string') throw invalidType(`${param}.${type}`, 'a string', text);
      hasher.text(text);
      return countTokens(text);
    }
    case 'image_url':
    case 'input_audio':
    case 'file':
      // The payload (URL, base64 data) only feeds the hash.
      hasher.text(JSON.stringify(part[type] ?? null));
      return TOKENS_PER_NON_TEXT_PART;
    default:
      throw invalidRequest(
        `Invalid value for '${param}.type': ${JSON.stringify(type)}. Supported values are: 'text', 'refusal', 'image_url', 'input_audio' and 'file'.`,
        `${param}.type`,
        'invalid_value',
      );
  }
}

/** Tool calls of an assistant turn cost the tokens of their function names and arguments. */
function accountToolCalls(toolCalls: unknown, param: string, hasher: StableHasher): number {
  if (toolCalls === undefined || toolCalls === null) return 0;
  if (!Array.isArray(toolCalls)) throw invalidType(param, 'an array', toolCalls);
  let tokens = 0;
  for (let index = 0; index < toolCalls.length; index++) {
    const call: unknown = toolCalls[index];
    const fn = isJsonObject(call) ? call.function : undefined;
    if (!isJsonObject(fn) || typeof fn.name !== 'string' || typeof fn.arguments !== 'string') {
      throw invalidType(`${param}[${index}].function`, 'an object with string name and arguments', fn);
    }
    hasher.tag(Tag.ToolCall).text(fn.name).text(fn.arguments);
    tokens += countTokens(fn.name) + countTokens(fn.arguments);
  }
  return tokens;
}
