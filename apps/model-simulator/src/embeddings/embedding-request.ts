import { optionalInteger, type JsonObject } from '../http/json-fields';
import { invalidRequest, invalidType, missingParameter } from '../http/openai-error';
import { countTokens } from '@ai-commons/token-count';

/** One embedding input: text, or pre-tokenized ids as OpenAI also accepts. */
export type EmbeddingInput = string | readonly number[];

export interface EmbeddingRequest {
  readonly model: string;
  readonly inputs: readonly EmbeddingInput[];
  readonly promptTokens: number;
  /** Requested vector length, or null for the native dimension. */
  readonly dimensions: number | null;
  readonly encodingFormat: 'float' | 'base64';
}

/** OpenAI's limit on inputs per request. */
export const MAX_EMBEDDING_INPUTS = 2048;

export function parseEmbeddingRequest(body: JsonObject, deployment: string | null): EmbeddingRequest {
  const model = deployment ?? requireModel(body);
  const inputs = parseInputs(body.input);
  let promptTokens = 0;
  for (const input of inputs) promptTokens += typeof input === 'string' ? countTokens(input) : input.length;
  return {
    model,
    inputs,
    promptTokens,
    dimensions: optionalInteger(body, 'dimensions', 1),
    encodingFormat: parseEncodingFormat(body.encoding_format),
  };
}

function requireModel(body: JsonObject): string {
  const model = body.model;
  if (model === undefined || model === null) throw missingParameter('model');
  if (typeof model !== 'string' || model.length === 0) throw invalidType('model', 'a non-empty string', model);
  return model;
}

function parseEncodingFormat(value: unknown): 'float' | 'base64' {
  if (value === undefined || value === null || value === 'float') return 'float';
  if (value === 'base64') return 'base64';
  throw invalidRequest(
    `Invalid value for 'encoding_format': ${JSON.stringify(value)}. Supported values are: 'float' and 'base64'.`,
    'encoding_format',
    'invalid_value',
  );
}

function parseInputs(input: unknown): EmbeddingInput[] {
  if (input === undefined || input === null) throw missingParameter('input');
  if (typeof input === 'string') return [requireText(input, 'input')];
  if (!Array.isArray(input)) throw invalidType('input', 'a string or an array', input);
  if (input.length === 0) throw invalidRequest("Invalid 'input': empty array. Expected at least one input.", 'input', 'empty_array');
  if (input.length > MAX_EMBEDDING_INPUTS) {
    throw invalidRequest(`Invalid 'input': at most ${MAX_EMBEDDING_INPUTS} inputs per request, got ${input.length}.`, 'input', 'array_above_max_length');
  }
  // A flat array of integers is a single tokenized input.
  if (typeof input[0] === 'number') return [requireTokenIds(input, 'input')];
  return input.map((item: unknown, index) => {
    const param = `input[${index}]`;
    if (typeof item === 'string') return requireText(item, param);
    if (Array.isArray(item)) return requireTokenIds(item, param);
    throw invalidType(param, 'a string or an array of integers', item);
  });
}

function requireText(text: string, param: string): string {
  if (text.length === 0) throw invalidRequest(`Invalid '${param}': empty string. Expected a non-empty string.`, param, 'invalid_value');
  return text;
}

function requireTokenIds(ids: unknown[], param: string): number[] {
  if (ids.length === 0) throw invalidRequest(`Invalid '${param}': empty array of token ids.`, param, 'empty_array');
  for (let index = 0; index < ids.length; index++) {
    const id = ids[index];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw invalidType(`${param}[${index}]`, 'a non-negative integer token id', id);
    }
  }
  return ids as number[];
}
