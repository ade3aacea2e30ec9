/** What a request addresses. Azure deployment routes carry the deployment as the model. */
export type Route =
  | { readonly kind: 'chat'; readonly deployment: string | null }
  | { readonly kind: 'embeddings'; readonly deployment: string | null }
  | { readonly kind: 'completions'; readonly deployment: null }
  | { readonly kind: 'rerank'; readonly deployment: null }
  | { readonly kind: 'responses'; readonly deployment: null }
  | { readonly kind: 'score'; readonly deployment: null }
  | { readonly kind: 'models' }
  | { readonly kind: 'model'; readonly id: string }
  | { readonly kind: 'health' }
  | { readonly kind: 'sim-config' }
  | { readonly kind: 'sim-config-reset' }
  | { readonly kind: 'sim-stats' }
  | { readonly kind: 'sim-stats-reset' }
  | { readonly kind: 'sim-last-request' }
  | { readonly kind: 'not-found'; readonly path: string };

const CHAT: Route = Object.freeze({ kind: 'chat', deployment: null });
const EMBEDDINGS: Route = Object.freeze({ kind: 'embeddings', deployment: null });
const COMPLETIONS: Route = Object.freeze({ kind: 'completions', deployment: null });
const RERANK: Route = Object.freeze({ kind: 'rerank', deployment: null });
const RESPONSES: Route = Object.freeze({ kind: 'responses', deployment: null });
const SCORE: Route = Object.freeze({ kind: 'score', deployment: null });
const AZURE_DEPLOYMENT = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

/** Resolves method + URL without building a URL object (this runs on every request). */
export function resolveRoute(method: string, url: string): Route {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  if (method === 'POST') {
    switch (path) {
      case '/v1/chat/completions':
        return CHAT;
      case '/v1/embeddings':
        return EMBEDDINGS;
      case '/v1/completions':
        return COMPLETIONS;
      case '/v1/rerank':
        return RERANK;
      case '/v1/responses':
        return RESPONSES;
      case '/v1/score':
        return SCORE;
      case '/_sim/config':
        return { kind: 'sim-config' };
      case '/_sim/config/reset':
        return { kind: 'sim-config-reset' };
      case '/_sim/stats/reset':
        return { kind: 'sim-stats-reset' };
    }
    const azure = AZURE_DEPLOYMENT.exec(path);
    if (azure !== null) {
      const deployment = safeDecode(azure[1]);
      if (deployment !== null) return { kind: azure[2] === 'embeddings' ? 'embeddings' : 'chat', deployment };
    }
  } else if (method === 'GET') {
    switch (path) {
      case '/v1/models':
        return { kind: 'models' };
      case '/healthz':
        return { kind: 'health' };
      case '/_sim/config':
        return { kind: 'sim-config' };
      case '/_sim/stats':
        return { kind: 'sim-stats' };
      case '/_sim/last-request':
        return { kind: 'sim-last-request' };
    }
    if (path.startsWith('/v1/models/') && path.length > '/v1/models/'.length) {
      const id = safeDecode(path.slice('/v1/models/'.length));
      if (id !== null) return { kind: 'model', id };
    }
  }
  return { kind: 'not-found', path };
}

/** The `api-version` query parameter that every Azure OpenAI data-plane call must carry. */
export function azureApiVersion(url: string): string | null {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return null;
  const version = new URLSearchParams(url.slice(queryStart + 1)).get('api-version');
  return version === null || version.length === 0 ? null : version;
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
