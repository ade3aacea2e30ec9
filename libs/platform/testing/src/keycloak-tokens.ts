import { demoServiceAccountSecret } from '@ai-commons/config';

/** Real tokens from the local Keycloak (deploy/keycloak), for integration tests. */
export const KEYCLOAK_URL = process.env.KEYCLOAK_URL ?? 'http://localhost:18080';
export const REALM = 'ai-commons';
export const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? 'demo-password';

interface TokenResponse {
  access_token?: string;
  error?: string;
  error_description?: string;
}

async function requestToken(realm: string, body: Record<string, string>): Promise<string> {
  const response = await fetch(`${KEYCLOAK_URL}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  const json = (await response.json()) as TokenResponse;
  if (!response.ok || !json.access_token) {
    throw new Error(`token request failed (${response.status}): ${json.error} ${json.error_description ?? ''}`);
  }
  return json.access_token;
}

/** Password grant for a demo user (via the public client `ai-commons-cli` unless told otherwise). */
export function userToken(username: string, options: { client?: string; realm?: string; password?: string } = {}): Promise<string> {
  return requestToken(options.realm ?? REALM, {
    grant_type: 'password',
    client_id: options.client ?? 'ai-commons-cli',
    username,
    password: options.password ?? DEMO_PASSWORD,
    scope: 'openid',
  });
}

/** Client-credentials grant for an institution's service account, e.g. `svc-hanbit-bank`. */
export function serviceToken(clientId: string, secret = demoServiceAccountSecret(clientId.replace(/^svc-/, ''))): Promise<string> {
  return requestToken(REALM, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
}

/** Master-realm admin token for the admin REST API (key rotation tests). */
export function keycloakAdminToken(): Promise<string> {
  return requestToken('master', {
    grant_type: 'password',
    client_id: 'admin-cli',
    username: process.env.KEYCLOAK_ADMIN_USER ?? 'kcadmin',
    password: process.env.KEYCLOAK_ADMIN_PASSWORD ?? 'kcadmin',
  });
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

export async function waitForKeycloak(timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${KEYCLOAK_URL}/realms/${REALM}/.well-known/openid-configuration`);
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(
    `Keycloak realm ${REALM} is not reachable at ${KEYCLOAK_URL} (${lastError}). ` +
      'Start it with `bash deploy/keycloak/keycloak.sh start` or set KEYCLOAK_URL.',
  );
}
