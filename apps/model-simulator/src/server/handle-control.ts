import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonObject } from '../http/json-fields';
import { OpenAiError, invalidRequest, invalidUrl, modelNotFound } from '../http/openai-error';
import { ClientGoneError, readJsonBody } from '../http/read-json-body';
import type { Route } from '../http/routes';
import { InvalidSettingsError, redactSettings } from '../settings/simulator-settings';
import { authenticate, type InferenceRoute } from './handle-inference';
import type { RequestHandlerContext } from './request-handler';

/** Everything that is not inference: models, health, runtime settings and stats. Not counted. */
export async function handleControl(
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
    case 'sim-last-request':
      // Off unless started with --record-last-request: prompts are not kept by default.
      if (!context.lastRequest) throw invalidUrl(request.method ?? 'GET', '/_sim/last-request');
      return sendJson(response, 200, { request: context.lastRequest.current });
    case 'sim-stats-reset':
      context.stats.reset();
      return sendJson(response, 200, context.stats.snapshot());
    case 'not-found':
      throw invalidUrl(request.method ?? 'GET', route.path);
  }
}

export function failControl(context: RequestHandlerContext, response: ServerResponse, error: unknown): void {
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
