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

/** The gateway URL the control plane tells the console (config.json); null: no playground. */
export async function loadGatewayUrl(): Promise<string | null> {
  const config = (await (await fetch('/console/config.json')).json()) as { gatewayUrl?: string | null };
  return config.gatewayUrl ?? null;
}
