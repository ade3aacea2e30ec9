// A Keycloak that imported the demo realm before the console existed lacks its client: `npm start`
// adds ai-commons-console from the realm file through the admin REST API when it is missing (demo
// Keycloak only; a realm import at the next fresh start does the same).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './process.mjs';

export async function ensureConsoleClient(
  keycloakUrl,
  { user = process.env.KEYCLOAK_ADMIN_USER ?? 'kcadmin', password = process.env.KEYCLOAK_ADMIN_PASSWORD ?? 'kcadmin' } = {},
) {
  const realm = JSON.parse(readFileSync(path.join(repoRoot, 'deploy/keycloak/realms/ai-commons-realm.json'), 'utf8'));
  const client = realm.clients.find((c) => c.clientId === 'ai-commons-console');
  const tokenResponse = await fetch(`${keycloakUrl}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: user, password }),
  });
  if (!tokenResponse.ok) return `cannot check the console client (admin login: HTTP ${tokenResponse.status})`;
  const headers = { authorization: `Bearer ${(await tokenResponse.json()).access_token}`, 'content-type': 'application/json' };
  const clients = `${keycloakUrl}/admin/realms/${realm.realm}/clients`;
  const found = await (await fetch(`${clients}?clientId=ai-commons-console`, { headers })).json();
  if (found.length) return 'console client present';
  const created = await fetch(clients, { method: 'POST', headers, body: JSON.stringify(client) });
  return created.status === 201 ? 'console client added to the running Keycloak' : `console client not added: HTTP ${created.status}`;
}
