import type { EndpointHealth, UpstreamDriver } from '../endpoints/endpoint.model';

export interface ProbeTarget {
  driver: UpstreamDriver;
  upstreamUrl: string;
  azureApiVersion: string | null;
}

/**
 * Where the health of an upstream is read: `GET <upstream>/v1/models` for OpenAI-compatible
 * servers (and the simulator), `GET <upstream>/openai/models?api-version=…` for Azure OpenAI.
 */
export function probeUrl(target: ProbeTarget): string {
  const base = target.upstreamUrl.replace(/\/+$/, '');
  if (target.driver === 'azure-openai') {
    return `${base}/openai/models?api-version=${encodeURIComponent(target.azureApiVersion ?? '')}`;
  }
  return `${base}/v1/models`;
}

/** Authentication headers for the probe: Azure takes `api-key`, the others a bearer token. */
export function probeHeaders(driver: UpstreamDriver, credential: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (credential === undefined) return headers;
  if (driver === 'azure-openai') headers['api-key'] = credential;
  else headers.authorization = `Bearer ${credential}`;
  return headers;
}

export interface ProbeOutcome {
  health: Exclude<EndpointHealth, 'unknown'>;
  /** Short, secret-free description: status and latency, or the network error. */
  detail: string;
}

/** Any 2xx answer is healthy; every other answer, a timeout or a network error is not. */
export function outcomeOfResponse(status: number, latencyMs: number): ProbeOutcome {
  const ok = status >= 200 && status < 300;
  const hint = status === 401 || status === 403 ? ' (upstream refused the credential)' : '';
  return { health: ok ? 'healthy' : 'unhealthy', detail: `HTTP ${status} in ${Math.round(latencyMs)} ms${hint}` };
}

export function outcomeOfError(error: unknown, timeoutMs: number): ProbeOutcome {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { health: 'unhealthy', detail: `no answer within ${timeoutMs} ms` };
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : (error as Error | null)?.message;
  return { health: 'unhealthy', detail: `unreachable: ${(code ?? message ?? 'network error').slice(0, 200)}` };
}
