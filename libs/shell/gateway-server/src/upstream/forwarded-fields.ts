import { GatewayError } from '../http/openai-error';
import type { UpstreamDriver } from '../routing/routing-table';
import type { UpstreamOperation } from './upstream-request';

/**
 * The request fields each driver forwards to its upstream. Anything else is refused (400, naming
 * the field) unless the endpoint's configuration allows it (`allowedExtraFields`): on shared
 * infrastructure a field the gateway does not understand may let one institution affect another
 * (vLLM's `priority` jumps the shared queue, `chat_template` / `chat_template_kwargs` run a caller's
 * template on the server, `documents`; Azure's `data_sources` reaches other resources; `best_of`
 * multiplies the work). An allow-list, not a deny-list: a new server-side extension is refused
 * until someone decides it is safe.
 */
const OPENAI_CHAT_FIELDS = [
  'model',
  'messages',
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'response_format',
  'seed',
  'stop',
  'stream',
  'stream_options',
  'temperature',
  'top_p',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'functions',
  'function_call',
  'user',
  'metadata',
  'prediction',
  'reasoning_effort',
  'modalities',
  'verbosity',
] as const;

/** Sampling parameters of vLLM / TGI / llama.cpp that only shape the caller's own output. */
const OPENAI_COMPATIBLE_CHAT_EXTRAS = [
  'top_k',
  'min_p',
  'repetition_penalty',
  'min_tokens',
  'stop_token_ids',
  'skip_special_tokens',
  'include_stop_str_in_output',
] as const;

const EMBEDDINGS_FIELDS = ['model', 'input', 'encoding_format', 'dimensions', 'user'] as const;

/** Rerank, the Cohere/Jina shape vLLM and TEI serve. */
const RERANK_FIELDS = ['model', 'query', 'documents', 'top_n', 'return_documents', 'user'] as const;

/**
 * The Responses API. `store`, `previous_response_id`, `conversation`, `background` and `include`
 * are left out: the gateway keeps no responses, and an upstream store would hold one
 * institution's prompts outside the gateway's policy and audit.
 */
const RESPONSES_FIELDS = [
  'model',
  'input',
  'instructions',
  'max_output_tokens',
  'temperature',
  'top_p',
  'stream',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'text',
  'reasoning',
  'truncation',
  'user',
  'metadata',
] as const;

/** vLLM's score API (cross-encoder pairs). */
const SCORE_FIELDS = ['model', 'text_1', 'text_2', 'user'] as const;

/** Legacy completions. `best_of` is left out: it multiplies the work on shared hardware. */
const COMPLETIONS_FIELDS = [
  'model',
  'prompt',
  'suffix',
  'max_tokens',
  'temperature',
  'top_p',
  'n',
  'stream',
  'stream_options',
  'logprobs',
  'echo',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'seed',
  'user',
] as const;

const ALLOWED: Record<UpstreamDriver, Partial<Record<UpstreamOperation, ReadonlySet<string>>>> = {
  'openai-compatible': {
    chat: new Set([...OPENAI_CHAT_FIELDS, ...OPENAI_COMPATIBLE_CHAT_EXTRAS]),
    embeddings: new Set(EMBEDDINGS_FIELDS),
    completions: new Set([...COMPLETIONS_FIELDS, ...OPENAI_COMPATIBLE_CHAT_EXTRAS]),
    rerank: new Set(RERANK_FIELDS),
    responses: new Set(RESPONSES_FIELDS),
    score: new Set(SCORE_FIELDS),
  },
  'azure-openai': {
    chat: new Set(OPENAI_CHAT_FIELDS),
    embeddings: new Set(EMBEDDINGS_FIELDS),
    completions: new Set(COMPLETIONS_FIELDS),
  },
};

export function isForwardedField(driver: UpstreamDriver, operation: UpstreamOperation, field: string): boolean {
  return ALLOWED[driver]?.[operation]?.has(field) ?? false;
}

/** Refuses the first top-level field that neither the driver nor the endpoint allows. */
export function checkForwardedFields(
  body: Record<string, unknown>,
  driver: UpstreamDriver,
  operation: UpstreamOperation,
  allowedExtraFields: readonly string[],
): void {
  if (!ALLOWED[driver]?.[operation]) {
    throw new GatewayError(400, 'invalid_request_error', 'unsupported_operation', `This model endpoint does not serve ${operation}`, 'model');
  }
  for (const field of Object.keys(body)) {
    if (isForwardedField(driver, operation, field) || allowedExtraFields.includes(field)) continue;
    const shown = field.length > 64 ? `${field.slice(0, 64)}…` : field;
    throw new GatewayError(
      400,
      'invalid_request_error',
      'unsupported_parameter',
      `Unsupported parameter: '${shown}' is not accepted by this model endpoint`,
      shown,
    );
  }
}
