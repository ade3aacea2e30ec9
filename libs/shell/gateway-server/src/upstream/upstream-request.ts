import type { RouteEndpoint } from '../routing/routing-table';

export type UpstreamOperation = 'chat' | 'embeddings' | 'completions' | 'rerank' | 'responses' | 'score';

/** Where a call goes, as node:http request options (no URL parsing per request). */
export interface UpstreamTarget {
  https: boolean;
  hostname: string;
  port: number;
  path: string;
}

export interface UpstreamRequest {
  target: UpstreamTarget;
  headers: Record<string, string>;
  body: Buffer;
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

function targetFor(endpoint: RouteEndpoint, operation: UpstreamOperation): UpstreamTarget {
  if (endpoint.driver === 'azure-openai') {
    const url = joinPath(endpoint.upstreamUrl, `/openai/deployments/${encodeURIComponent(endpoint.azureDeployment ?? '')}/${AZURE_PATHS[operation]}`);
    url.searchParams.set('api-version', endpoint.azureApiVersion ?? '');
    return upstreamTarget(url);
  }
  return upstreamTarget(joinPath(endpoint.upstreamUrl, OPENAI_PATHS[operation]));
}

// Endpoints are immutable snapshots (a routing reload builds new ones): their targets are computed once.
const targets = new WeakMap<RouteEndpoint, Partial<Record<UpstreamOperation, UpstreamTarget>>>();

function cachedTarget(endpoint: RouteEndpoint, operation: UpstreamOperation): UpstreamTarget {
  let byOperation = targets.get(endpoint);
  if (!byOperation) targets.set(endpoint, (byOperation = {}));
  return (byOperation[operation] ??= targetFor(endpoint, operation));
}

/**
 * Builds the upstream call for an endpoint's driver: OpenAI-compatible servers (vLLM, TGI,
 * llama.cpp, Ollama, the simulator) get `Authorization: Bearer`; Azure OpenAI gets the deployment
 * path, `api-version` and the `api-key` header, and no `model` field.
 */
export function buildUpstreamRequest(endpoint: RouteEndpoint, operation: UpstreamOperation, body: Record<string, unknown>, requestId: string): UpstreamRequest {
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
  return { target: cachedTarget(endpoint, operation), headers, body: payload };
}
