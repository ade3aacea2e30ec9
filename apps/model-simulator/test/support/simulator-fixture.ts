import OpenAI, { AzureOpenAI } from 'openai';
import { startModelSimulator, type ModelSimulator, type ModelSimulatorOptions } from '../../src';

/** Starts a simulator on an ephemeral loopback port; close it in afterAll/afterEach. */
export function startTestSimulator(options: ModelSimulatorOptions = {}): Promise<ModelSimulator> {
  return startModelSimulator({ host: '127.0.0.1', port: 0, ...options });
}

/**
 * Node's fetch rejects an aborted request with a DOMException from Node's own realm. Inside jest's
 * sandbox that is not `instanceof Error`, so the openai client turns its timeout into a plain
 * APIConnectionError("Connection error."). Re-raising it as a sandbox Error named AbortError restores
 * what the client does outside jest: APIConnectionTimeoutError.
 */
const realmSafeFetch: typeof fetch = (input, init) =>
  fetch(input, init).catch((error: unknown) => {
    if (error instanceof Error || (error as { name?: unknown } | null)?.name !== 'AbortError') throw error;
    throw Object.assign(new Error((error as { message?: string }).message), { name: 'AbortError' });
  });

/** An OpenAI client without retries, so injected failures surface on the first attempt. */
export function openAiClient(simulator: ModelSimulator, options: { apiKey?: string; timeoutMs?: number } = {}): OpenAI {
  return new OpenAI({
    baseURL: `${simulator.url}/v1`,
    apiKey: options.apiKey ?? 'sk-test',
    maxRetries: 0,
    timeout: options.timeoutMs ?? 5_000,
    fetch: realmSafeFetch,
  });
}

export function azureClient(simulator: ModelSimulator, deployment: string, apiKey: string): AzureOpenAI {
  return new AzureOpenAI({
    endpoint: simulator.url,
    apiKey,
    apiVersion: '2024-10-21',
    deployment,
    maxRetries: 0,
    timeout: 5_000,
    fetch: realmSafeFetch,
  });
}

/** POSTs JSON with fetch, for requests the OpenAI client would refuse to send. */
export async function postJson(
  simulator: ModelSimulator,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : null, headers: response.headers };
}

export async function getJson(simulator: ModelSimulator, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${simulator.url}${path}`, { headers });
  return { status: response.status, body: await response.json() };
}

/** Polls until `condition` holds, for server-side effects of client-side aborts. */
export async function eventually(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const USER_HELLO = [{ role: 'user' as const, content: 'Hello, how are you?' }];
