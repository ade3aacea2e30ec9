import type { IncomingMessage } from 'node:http';
import { planChatCompletion, type ChatCompletionPlan } from '../chat/chat-completion-plan';
import { parseChatCompletionRequest, type ChatCompletionRequest } from '../chat/chat-request';
import { parseCompletionRequest } from '../completions/completion-request';
import { textCompletionBody, textCompletionStreamEvents } from '../completions/text-completion-body';
import { parseResponsesRequest, responsesBody, responsesStreamEvents } from '../responses/responses';
import { parseRerankRequest, parseScoreRequest, rerankBody, scoreBody, type RerankRequest, type ScoreRequest } from '../rerank/rerank';
import { parseEmbeddingRequest, type EmbeddingRequest } from '../embeddings/embedding-request';
import { presentedApiKey } from '../http/api-key';
import { OpenAiError, deploymentNotFound, injectedFailure, invalidApiKey, invalidRequest, modelNotFound } from '../http/openai-error';
import { ClientGoneError, readJsonBody } from '../http/read-json-body';
import { parseRequestOverrides, type RequestOverrides } from '../http/request-overrides';
import { azureApiVersion, type Route } from '../http/routes';
import type { SimulatorSettings } from '../settings/simulator-settings';
import { deliverChatCompletion, streamChatCompletion, type DeliveryTiming } from './deliver-chat';
import { deliverEmbeddings } from './deliver-embeddings';
import type { InferenceExchange } from './inference-exchange';
import type { RequestHandlerContext } from './request-handler';

export type InferenceRoute = Extract<Route, { kind: 'chat' | 'embeddings' | 'completions' | 'rerank' | 'responses' | 'score' }>;

/**
 * Chat completions and embeddings, OpenAI and Azure paths. Checks run in a fixed order: key,
 * override headers, Azure api-version and deployment, body, model; only a request that would
 * succeed gets an injected failure or stall.
 */
export async function handleInference(
  context: RequestHandlerContext,
  route: InferenceRoute,
  request: IncomingMessage,
  exchange: InferenceExchange,
): Promise<void> {
  const settings = context.settings.current;
  authenticate(request, settings);
  const overrides = parseRequestOverrides(request.headers);
  if (route.deployment !== null) checkAzureCall(request.url ?? '', route.deployment, settings);
  const body = await readJsonBody(request, context.maxBodyBytes);
  if (context.lastRequest)
    context.lastRequest.current = { method: request.method ?? 'POST', path: request.url ?? '/', headers: withoutCredentials(request.headers), body };

  if (route.kind === 'embeddings') serveEmbeddings(exchange, parseEmbeddingRequest(body, route.deployment), overrides, settings);
  else if (route.kind === 'score') serveScore(exchange, parseScoreRequest(body), overrides, settings);
  else if (route.kind === 'rerank') serveRerank(exchange, parseRerankRequest(body), overrides, settings);
  else if (route.kind === 'responses') serveChat(context, exchange, parseResponsesRequest(body), overrides, settings, 'resp');
  else if (route.kind === 'completions') serveChat(context, exchange, parseCompletionRequest(body), overrides, settings, 'cmpl');
  else serveChat(context, exchange, parseChatCompletionRequest(body, route.deployment), overrides, settings);
}

function serveEmbeddings(exchange: InferenceExchange, embedding: EmbeddingRequest, overrides: RequestOverrides, settings: SimulatorSettings): void {
  requireKnownModel(embedding.model, settings);
  const dimension = embedding.dimensions ?? settings.embeddingDimension;
  if (dimension > settings.embeddingDimension) {
    throw invalidRequest(`Invalid 'dimensions': ${dimension} exceeds the model's ${settings.embeddingDimension} dimensions.`, 'dimensions', 'invalid_value');
  }
  if (injectFailure(exchange, overrides, settings)) return;
  const reported = settings.reportedUsage;
  const counted = reported ? { ...embedding, promptTokens: reported.promptTokens } : embedding;
  deliverEmbeddings(exchange, counted, dimension, overrides.ttftMs ?? settings.ttftMs, stallPoint(overrides, settings));
}

function serveRerank(exchange: InferenceExchange, rerank: RerankRequest, overrides: RequestOverrides, settings: SimulatorSettings): void {
  requireKnownModel(rerank.model, settings);
  if (injectFailure(exchange, overrides, settings)) return;
  exchange.after(overrides.ttftMs ?? settings.ttftMs, () => exchange.sendJson(200, rerankBody(rerank, `rerank-${exchange.requestId}`), 'embeddings'));
}

function serveScore(exchange: InferenceExchange, score: ScoreRequest, overrides: RequestOverrides, settings: SimulatorSettings): void {
  requireKnownModel(score.model, settings);
  if (injectFailure(exchange, overrides, settings)) return;
  exchange.after(overrides.ttftMs ?? settings.ttftMs, () => exchange.sendJson(200, scoreBody(score, `score-${exchange.requestId}`), 'embeddings'));
}

/** A chat completion, or (`legacy`) a legacy text completion planned the same way. */
function serveChat(
  context: RequestHandlerContext,
  exchange: InferenceExchange,
  chat: ChatCompletionRequest,
  overrides: RequestOverrides,
  settings: SimulatorSettings,
  legacy?: 'cmpl' | 'resp',
): void {
  requireKnownModel(chat.model, settings);
  if (injectFailure(exchange, overrides, settings)) return;
  const plan = withReportedUsage(
    planChatCompletion(chat, overrides.outputTokens ?? settings.outputTokens, `${legacy ?? 'chatcmpl'}-${exchange.requestId}`),
    settings,
  );
  const cached = chat.prefixKey !== undefined && settings.prefixCacheEntries > 0 && context.prefixCache.lookup(chat.prefixKey, settings.prefixCacheEntries);
  if (chat.prefixKey !== undefined && settings.prefixCacheEntries > 0) context.stats.prefixLookedUp(cached);
  const timing: DeliveryTiming = {
    ttftMs: overrides.ttftMs ?? (cached ? (settings.cachedTtftMs ?? settings.ttftMs) : settings.ttftMs),
    interTokenMs: overrides.interTokenMs ?? settings.interTokenMs,
    stallAfter: stallPoint(overrides, settings),
  };
  if (legacy === 'resp') {
    if (chat.stream) streamChatCompletion(exchange, plan, true, timing, responsesStreamEvents);
    else deliverChatCompletion(exchange, plan, timing, responsesBody);
  } else if (legacy) {
    if (chat.stream) streamChatCompletion(exchange, plan, chat.includeUsage, timing, textCompletionStreamEvents);
    else deliverChatCompletion(exchange, plan, timing, textCompletionBody);
  } else if (chat.stream) streamChatCompletion(exchange, plan, chat.includeUsage, timing);
  else deliverChatCompletion(exchange, plan, timing);
}

/** The plan with the configured (possibly absurd) usage figures in place of the counted ones. */
function withReportedUsage(plan: ChatCompletionPlan, settings: SimulatorSettings): ChatCompletionPlan {
  const reported = settings.reportedUsage;
  if (!reported) return plan;
  const usage = {
    prompt_tokens: reported.promptTokens,
    completion_tokens: reported.completionTokens,
    total_tokens: reported.promptTokens + reported.completionTokens,
  };
  return { ...plan, usage };
}

export function failInference(context: RequestHandlerContext, exchange: InferenceExchange, error: unknown): void {
  // A client that left mid-body is counted as aborted when its response closes.
  if (error instanceof ClientGoneError || exchange.closed) return;
  if (exchange.response.headersSent) {
    context.log({ level: 'error', msg: 'inference request failed after headers were sent', error: String(error) });
    exchange.response.destroy();
    return;
  }
  if (error instanceof OpenAiError) {
    exchange.sendError(error, 'rejected');
    return;
  }
  context.log({ level: 'error', msg: 'inference request failed', error: error instanceof Error ? error.stack : String(error) });
  exchange.sendError(new OpenAiError(500, 'The model simulator failed unexpectedly.', 'server_error'), 'rejected');
}

export function authenticate(request: IncomingMessage, settings: SimulatorSettings): void {
  if (settings.apiKey === null) return;
  const presented = presentedApiKey(request.headers);
  if (presented !== settings.apiKey) throw invalidApiKey(presented);
}

function checkAzureCall(url: string, deployment: string, settings: SimulatorSettings): void {
  if (azureApiVersion(url) === null) {
    throw invalidRequest("Missing required query parameter: 'api-version'.", 'api-version', 'missing_required_parameter');
  }
  if (!settings.models.includes(deployment)) throw deploymentNotFound(deployment);
}

function requireKnownModel(model: string, settings: SimulatorSettings): void {
  if (!settings.models.includes(model)) throw modelNotFound(model);
}

/** Answers with an injected error when the request asks for one or the error rate says so. */
function injectFailure(exchange: InferenceExchange, overrides: RequestOverrides, settings: SimulatorSettings): boolean {
  const status = overrides.fail !== undefined ? overrides.fail : settings.errorRate > 0 && Math.random() < settings.errorRate ? settings.errorStatus : null;
  if (status === null) return false;
  exchange.sendError(injectedFailure(status), 'failedInjected');
  return true;
}

function stallPoint(overrides: RequestOverrides, settings: SimulatorSettings): number | null {
  if (overrides.stall !== undefined) return overrides.stall;
  return settings.stallRate > 0 && Math.random() < settings.stallRate ? settings.stallAfterChunks : null;
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'api-key', 'cookie']);

function withoutCredentials(headers: IncomingMessage['headers']): Record<string, string | string[] | undefined> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.has(name)));
}
