import type { RouteEndpoint } from '../routing/routing-table';

export type UpstreamOperation = 'chat' | 'embeddings';

export interface UpstreamRequest {
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

const OPENAI_PATHS: Record<UpstreamOperation, string> = { chat: '/v1/chat/completions', embeddings: '/v1/embeddings' };
const AZURE_PATHS: Record<UpstreamOperation, string> = { chat: 'chat/completions', embeddings: 'embeddings' };

function joinPath(base: URL, path: string): URL {
  const url = new URL(base.toString());
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  return url;
}

/**
 * Builds the upstream call for an endpoint's driver: OpenAI-compatible servers (vLLM, TGI,
 * llama.cpp, Ollama, the simulator) get `Authorization: Bearer`; Azure OpenAI gets the deployment
 * path, `api-version` and the `api-key` header, and no `model` field.
 */
export function buildUpstreamRequest(
  endpoint: RouteEndpoint,
  operation: UpstreamOperation,
  body: Record<string, unknown>,
  requestId: string,
): UpstreamRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
  let url: URL;
  if (endpoint.driver === 'azure-openai') {
    url = joinPath(endpoint.upstreamUrl, `/openai/deployments/${encodeURIComponent(endpoint.azureDeployment ?? '')}/${AZURE_PATHS[operation]}`);
    url.searchParams.set('api-version', endpoint.azureApiVersion ?? '');
    if (endpoint.credential) headers['api-key'] = endpoint.credential;
    delete body.model;
  } else {
    url = joinPath(endpoint.upstreamUrl, OPENAI_PATHS[operation]);
    if (endpoint.credential) headers.authorization = `Bearer ${endpoint.credential}`;
    body.model = endpoint.upstreamModel;
  }
  const payload = Buffer.from(JSON.stringify(body));
  headers['content-length'] = String(payload.length);
  return { url, headers, body: payload };
}
