import type { RouteEndpoint, RouteTarget } from '../routing/routing-table';

export type UpstreamOperation = 'chat' | 'embeddings' | 'completions' | 'rerank' | 'responses' | 'score';

/** Where a call goes, as node:http request options (no URL parsing per request). */
export interface UpstreamTarget {
  https: boolean;
  hostname: string;
  port: number;
  path: string;
}

/** What is sent, whichever replica it goes to. */
export interface UpstreamPayload {
  headers: Record<string, string>;
  body: Buffer;
}

export interface UpstreamRequest extends UpstreamPayload {
  target: UpstreamTarget;
}

const OPENAI_PATHS: Record<UpstreamOperation, string> = {
  chat: '/v1/chat/completions',
  embeddings: '/v1/embeddings',
  completions: '/v1/completions',
  rerank: '/v1/rerank',
  responses: '/v1/responses',
  score: '/v1/score',
};
// Azure OpenAI serves no rerank: forwarded-fields refuses it before a request is built.
const AZURE_PATHS: Record<UpstreamOperation, string> = {
  chat: 'chat/completions',
  embeddings: 'embeddings',
  completions: 'completions',
  rerank: 'rerank',
  responses: 'responses',
  score: 'score',
};

export function upstreamTarget(url: URL): UpstreamTarget {
  const https = url.protocol === 'https:';
  return {
    https,
    // URL keeps IPv6 literals in brackets; node:http wants them bare.
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : https ? 443 : 80,
    path: `${url.pathname}${url.search}`,
  };
}

function joinPath(base: URL, path: string): URL {
  const url = new URL(base.toString());
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  return url;
}

function targetFor(endpoint: RouteEndpoint, replica: RouteTarget, operation: UpstreamOperation): UpstreamTarget {
  if (endpoint.driver === 'azure-openai') {
    const url = joinPath(replica.url, `/openai/deployments/${encodeURIComponent(endpoint.azureDeployment ?? '')}/${AZURE_PATHS[operation]}`);
    url.searchParams.set('api-version', endpoint.azureApiVersion ?? '');
    return upstreamTarget(url);
  }
  return upstreamTarget(joinPath(replica.url, OPENAI_PATHS[operation]));
}

// Replicas are immutable snapshots of one endpoint (a routing reload builds new ones): their request targets are computed once.
const targets = new WeakMap<RouteTarget, Partial<Record<UpstreamOperation, UpstreamTarget>>>();

/** The call of `payload` on one replica of the endpoint. */
export function requestTo(endpoint: RouteEndpoint, replica: RouteTarget, operation: UpstreamOperation, payload: UpstreamPayload): UpstreamRequest {
  let byOperation = targets.get(replica);
  if (!byOperation) targets.set(replica, (byOperation = {}));
  return { ...payload, target: (byOperation[operation] ??= targetFor(endpoint, replica, operation)) };
}

/**
 * Builds the upstream call for an endpoint's driver: OpenAI-compatible servers (vLLM, TGI,
 * llama.cpp, Ollama, the simulator) get `Authorization: Bearer`; Azure OpenAI gets the deployment
 * path, `api-version` and the `api-key` header, and no `model` field.
 */
export function buildUpstreamPayload(endpoint: RouteEndpoint, body: Record<string, unknown>, requestId: string): UpstreamPayload {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
  if (endpoint.driver === 'azure-openai') {
    if (endpoint.credential) headers['api-key'] = endpoint.credential;
    delete body.model;
  } else {
    if (endpoint.credential) headers.authorization = `Bearer ${endpoint.credential}`;
    body.model = endpoint.upstreamModel;
  }
  const payload = Buffer.from(JSON.stringify(body));
  headers['content-length'] = String(payload.length);
  return { headers, body: payload };
}
