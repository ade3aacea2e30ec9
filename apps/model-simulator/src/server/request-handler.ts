import type { IncomingMessage, ServerResponse } from 'node:http';
import { planChatCompletion } from '../chat/chat-completion-plan';
import { parseChatCompletionRequest } from '../chat/chat-request';
import { embeddingBody } from '../embeddings/embedding-body';
import { parseEmbeddingRequest } from '../embeddings/embedding-request';
import { presentedApiKey } from '../http/api-key';
import type { JsonObject } from '../http/json-fields';
import {
  OpenAiError,
  deploymentNotFound,
  injectedFailure,
  invalidApiKey,
  invalidRequest,
  invalidUrl,
  modelNotFound,
} from '../http/openai-error';
import { ClientGoneError, readJsonBody } from '../http/read-json-body';
import { parseRequestOverrides, type RequestOverrides } from '../http/request-overrides';
import { azureApiVersion, resolveRoute, type Route } from '../http/routes';
import type { SettingsStore } from '../settings/settings-store';
import { InvalidSettingsError, redactSettings, type SimulatorSettings } from '../settings/simulator-settings';
import { deliverChatCompletion, sendHeadersThenStall, streamChatCompletion, type DeliveryTiming } from './deliver-chat';
import { InferenceExchange } from './inference-exchange';
import type { RequestIds } from './request-ids';
import type { StatsCounter } from './simulator-stats';

export interface RequestHandlerContext {
  readonly settings: SettingsStore;
  readonly stats: StatsCounter;
  readonly ids: RequestIds;
  /** Inference requests not yet closed; shutdown cuts off the stalled ones. */
  readonly active: Set<InferenceExchange>;
  readonly maxBodyBytes: number;
  readonly startedAt: number;
  readonly log: (event: Record<string, unknown>) => void;
}

type InferenceRoute = Extract<Route, { kind: 'chat' | 'embeddings' }>;

/** Routes one HTTP request; inference requests are counted, everything else is not. */
export function createRequestHandler(context: RequestHandlerContext): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const route = resolveRoute(request.method ?? 'GET', request.url ?? '/');
    if (route.kind === 'chat' || route.kind === 'embeddings') {
      const exchange = new InferenceExchange(response, context.ids.next(), context.stats, context.active);
      handleInference(context, route, request, exchange).catch((error: unknown) => failInference(context, exchange, error));
      return;
    }
    handleControl(context, route, request, response).catch((error: unknown) => failControl(context, response, error));
  };
}

async function handleInference(
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

  if (route.kind === 'embeddings') {
    const embedding = parseEmbeddingRequest(body, route.deployment);
    requireKnownModel(embedding.model, settings);
    const dimension = embedding.dimensions ?? settings.embeddingDimension;
    if (dimension > settings.embeddingDimension) {
      throw invalidRequest(
        `Invalid 'dimensions': ${dimension} exceeds the model's ${settings.embeddingDimension} dimensions.`,
        'dimensions',
        'invalid_value',
      );
    }
    if (injectFailure(exchange, overrides, settings)) return;
    const stallAfter = stallPoint(overrides, settings);
    if (stallAfter === 0) {
      exchange.stall();
      return;
    }
    exchange.after(overrides.ttftMs ?? settings.ttftMs, () => {
      if (stallAfter !== null) sendHeadersThenStall(exchange, 'application/json');
      else exchange.sendJson(200, embeddingBody(embedding, dimension), 'embeddings');
    });
    return;
  }

  const chat = parseChatCompletionRequest(body, route.deployment);
  requireKnownModel(chat.model, settings);
  if (injectFailure(exchange, overrides, settings)) return;
  const plan = planChatCompletion(chat, overrides.outputTokens ?? settings.outputTokens, `chatcmpl-${exchange.requestId}`);
  const timing: DeliveryTiming = {
    ttftMs: overrides.ttftMs ?? settings.ttftMs,
    interTokenMs: overrides.interTokenMs ?? settings.interTokenMs,
    stallAfter: stallPoint(overrides, settings),
  };
  if (chat.stream) streamChatCompletion(exchange, plan, chat.includeUsage, timing);
  else deliverChatCompletion(exchange, plan, timing);
}

function failInference(context: RequestHandlerContext, exchange: InferenceExchange, error: unknown): void {
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

function authenticate(request: IncomingMessage, settings: SimulatorSettings): void {
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
  const status =
    overrides.fail !== undefined
      ? overrides.fail
      : settings.errorRate > 0 && Math.random() < settings.errorRate
        ? settings.errorStatus
        : null;
  if (status === null) return false;
  exchange.sendError(injectedFailure(status), 'failedInjected');
  return true;
}

function stallPoint(overrides: RequestOverrides, settings: SimulatorSettings): number | null {
  if (overrides.stall !== undefined) return overrides.stall;
  return settings.stallRate > 0 && Math.random() < settings.stallRate ? settings.stallAfterChunks : null;
}

async function handleControl(
  context: RequestHandlerContext,
  route: Exclude<Route, InferenceRoute>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  switch (route.kind) {
    case 'health':
      return sendJson(response, 200, { status: 'ok', uptimeMs: Date.now() - context.startedAt });
    case 'models':
    case 'model': {
      const settings = context.settings.current;
      authenticate(request, settings);
      const created = Math.floor(context.startedAt / 1000);
      const describe = (id: string): JsonObject => ({ id, object: 'model', created, owned_by: 'model-simulator' });
      if (route.kind === 'models') return sendJson(response, 200, { object: 'list', data: settings.models.map(describe) });
      if (!settings.models.includes(route.id)) throw modelNotFound(route.id);
      return sendJson(response, 200, describe(route.id));
    }
    case 'sim-config':
      if (request.method === 'POST') {
        const patch = await readJsonBody(request, context.maxBodyBytes);
        try {
          context.settings.configure(patch);
        } catch (error) {
          if (error instanceof InvalidSettingsError) throw invalidRequest(error.message, null, 'invalid_settings');
          throw error;
        }
        context.log({ level: 'info', msg: 'settings changed', settings: redactSettings(context.settings.current) });
      }
      return sendJson(response, 200, redactSettings(context.settings.current));
    case 'sim-config-reset':
      context.settings.reset();
      return sendJson(response, 200, redactSettings(context.settings.current));
    case 'sim-stats':
      return sendJson(response, 200, context.stats.snapshot());
    case 'sim-stats-reset':
      context.stats.reset();
      return sendJson(response, 200, context.stats.snapshot());
    case 'not-found':
      throw invalidUrl(request.method ?? 'GET', route.path);
  }
}

function failControl(context: RequestHandlerContext, response: ServerResponse, error: unknown): void {
  if (error instanceof ClientGoneError || response.headersSent || response.destroyed) return;
  if (error instanceof OpenAiError) {
    sendRaw(response, error.status, error.toJson());
    return;
  }
  context.log({ level: 'error', msg: 'control request failed', error: error instanceof Error ? error.stack : String(error) });
  sendRaw(response, 500, new OpenAiError(500, 'The model simulator failed unexpectedly.', 'server_error').toJson());
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  sendRaw(response, status, JSON.stringify(body));
}

function sendRaw(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
