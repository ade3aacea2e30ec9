import { optionalBoolean, optionalInteger, type JsonObject } from '../http/json-fields';
import { invalidRequest, invalidType, missingParameter } from '../http/openai-error';
import { StableHasher } from '../text/stable-hash';
import { countTokens } from '@ai-commons/token-count';

/** A validated rerank request (the Cohere/Jina shape vLLM and TEI serve). */
export interface RerankRequest {
  readonly model: string;
  readonly query: string;
  readonly documents: readonly string[];
  readonly topN: number;
  readonly returnDocuments: boolean;
}

export function parseRerankRequest(body: JsonObject): RerankRequest {
  const model = body.model;
  if (model === undefined || model === null) throw missingParameter('model');
  if (typeof model !== 'string' || model.length === 0) throw invalidType('model', 'a non-empty string', model);
  if (body.query === undefined || body.query === null) throw missingParameter('query');
  if (typeof body.query !== 'string') throw invalidType('query', 'a string', body.query);
  if (body.documents === undefined || body.documents === null) throw missingParameter('documents');
  if (!Array.isArray(body.documents) || body.documents.length === 0) throw invalidType('documents', 'a non-empty array', body.documents);
  const documents = body.documents.map((document: unknown, index) => {
    if (typeof document === 'string') return document;
    const text = (document as { text?: unknown } | null)?.text;
    if (typeof text === 'string') return text;
    throw invalidRequest(`Invalid 'documents[${index}]': expected a string or {text}.`, `documents[${index}]`, 'invalid_type');
  });
  const topN = Math.min(optionalInteger(body, 'top_n', 1) ?? documents.length, documents.length);
  return { model, query: body.query, documents, topN, returnDocuments: optionalBoolean(body, 'return_documents') ?? false };
}

/** Scores are a stable hash of (model, query, document) in [0, 1): the same request, the same ranking. */
export function rerankBody(request: RerankRequest, id: string): string {
  const queryTokens = countTokens(request.query);
  let totalTokens = 0;
  const scored = request.documents.map((text, index) => {
    totalTokens += queryTokens + countTokens(text);
    const { low } = new StableHasher().text(request.model).text(request.query).text(text).digest();
    return { index, relevance_score: low / 0x1_0000_0000, ...(request.returnDocuments ? { document: { text } } : {}) };
  });
  scored.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
  return JSON.stringify({ id, model: request.model, results: scored.slice(0, request.topN), usage: { total_tokens: totalTokens } });
}

/** A vLLM `/v1/score` request: `text_1` one text or a list, `text_2` one text or a list (paired). */
export interface ScoreRequest {
  readonly model: string;
  readonly pairs: readonly (readonly [string, string])[];
}

export function parseScoreRequest(body: JsonObject): ScoreRequest {
  const model = body.model;
  if (model === undefined || model === null) throw missingParameter('model');
  if (typeof model !== 'string' || model.length === 0) throw invalidType('model', 'a non-empty string', model);
  const texts = (field: 'text_1' | 'text_2'): string[] => {
    const value = body[field];
    if (value === undefined || value === null) throw missingParameter(field);
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) return value as string[];
    throw invalidType(field, 'a string or a non-empty array of strings', value);
  };
  const first = texts('text_1');
  const second = texts('text_2');
  if (first.length !== 1 && first.length !== second.length) {
    throw invalidRequest("'text_1' must be one text or as many as 'text_2'.", 'text_1', 'invalid_value');
  }
  return { model, pairs: second.map((text, index) => [first.length === 1 ? first[0] : first[index], text] as const) };
}

export function scoreBody(request: ScoreRequest, id: string): string {
  let promptTokens = 0;
  const data = request.pairs.map(([first, second], index) => {
    promptTokens += countTokens(first) + countTokens(second);
    const { low } = new StableHasher().text(request.model).text(first).text(second).digest();
    return { index, object: 'score', score: low / 0x1_0000_0000 };
  });
  return JSON.stringify({
    id,
    object: 'list',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    data,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}
