import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveRoute } from '../http/routes';
import type { PrefixCache } from '../prefix-cache/prefix-cache';
import type { SettingsStore } from '../settings/settings-store';
import { failControl, handleControl } from './handle-control';
import { failInference, handleInference } from './handle-inference';
import { InferenceExchange } from './inference-exchange';
import type { RequestIds } from './request-ids';
import type { StatsCounter } from './simulator-stats';

/** An inference request as received: what left the gateway, for tests that check what a model saw. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** The request headers, credentials left out (tests check what was propagated, e.g. `traceparent`). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

export interface RequestHandlerContext {
  readonly settings: SettingsStore;
  readonly stats: StatsCounter;
  /** This replica's prefix cache (settings.prefixCacheEntries). */
  readonly prefixCache: PrefixCache;
  readonly ids: RequestIds;
  /** Inference requests not yet closed; shutdown cuts off the stalled ones. */
  readonly active: Set<InferenceExchange>;
  readonly maxBodyBytes: number;
  /** Set when started with `recordLastRequest`: the last inference request's body, for tests. */
  readonly lastRequest?: { current: RecordedRequest | null };
  readonly startedAt: number;
  readonly log: (event: Record<string, unknown>) => void;
}

/** Routes one HTTP request; inference requests are counted, everything else is not. */
export function createRequestHandler(context: RequestHandlerContext): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const route = resolveRoute(request.method ?? 'GET', request.url ?? '/');
    if (
      route.kind === 'chat' ||
      route.kind === 'embeddings' ||
      route.kind === 'completions' ||
      route.kind === 'rerank' ||
      route.kind === 'responses' ||
      route.kind === 'score'
    ) {
      const exchange = new InferenceExchange(response, context.ids.next(), context.stats, context.active);
      handleInference(context, route, request, exchange).catch((error: unknown) => failInference(context, exchange, error));
      return;
    }
    handleControl(context, route, request, response).catch((error: unknown) => failControl(context, response, error));
  };
}
