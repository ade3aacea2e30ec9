// One chat completion through the gateway, from the browser, with the playground's short-lived key
// (the gateway answers CORS for the console's origin only). Bounded: one prompt, few tokens, a timeout.

export const MAX_PROMPT_CHARACTERS = 4_000;
const MAX_TOKENS = 256;
const TIMEOUT_MS = 60_000;

export interface GatewayAnswer {
  status: number;
  requestId: string | null;
  text: string | null;
  usage: { prompt_tokens?: number; completion_tokens?: number } | null;
  error: { code?: string; message?: string } | null;
}

export async function callGateway(gatewayUrl: string, secret: string, model: string, prompt: string): Promise<GatewayAnswer> {
  const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt.slice(0, MAX_PROMPT_CHARACTERS) }], max_tokens: MAX_TOKENS }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = (await response.json().catch(() => null)) as {
    choices?: { message?: { content?: string } }[];
    usage?: GatewayAnswer['usage'];
    error?: GatewayAnswer['error'];
  } | null;
  return {
    status: response.status,
    requestId: response.headers.get('x-request-id'),
    text: body?.choices?.[0]?.message?.content ?? null,
    usage: body?.usage ?? null,
    error: body?.error ?? null,
  };
}

/**
 * A key minted a moment ago reaches the gateways by change notification, usually within a second:
 * until then they answer 401 invalid_api_key. For a fresh key only, the call is retried a few times
 * (about 5 s in all), never for a key that already worked.
 */
export async function callGatewayAsKeyArrives(call: () => Promise<GatewayAnswer>, freshKey: boolean): Promise<GatewayAnswer> {
  let answer = await call();
  for (let attempt = 0, delayMs = 250; freshKey && answer.status === 401 && answer.error?.code === 'invalid_api_key' && attempt < 6; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 1_000);
    answer = await call();
  }
  return answer;
}

/** The gateway URL the control plane tells the console (config.json); null: no playground. */
export async function loadGatewayUrl(): Promise<string | null> {
  const config = (await (await fetch('/console/config.json')).json()) as { gatewayUrl?: string | null };
  return config.gatewayUrl ?? null;
}
