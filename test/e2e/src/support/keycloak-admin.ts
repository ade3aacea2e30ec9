import { KEYCLOAK_URL, REALM, keycloakAdminToken } from '@ai-commons/testing';

/**
 * Rotates the realm's signing key through the admin REST API: adds a new RS256 key provider with
 * a higher priority, so new tokens carry a new `kid` while the old key still verifies old tokens.
 */
export async function rotateRealmSigningKey(): Promise<void> {
  const token = await keycloakAdminToken();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const realm = (await (await fetch(`${KEYCLOAK_URL}/admin/realms/${REALM}`, { headers })).json()) as { id: string };
  const response = await fetch(`${KEYCLOAK_URL}/admin/realms/${REALM}/components`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: `rotated-${Date.now()}`,
      providerId: 'rsa-generated',
      providerType: 'org.keycloak.keys.KeyProvider',
      parentId: realm.id,
      config: { priority: [String(Date.now())], enabled: ['true'], active: ['true'], algorithm: ['RS256'], keySize: ['2048'] },
    }),
  });
  if (response.status !== 201) throw new Error(`key rotation failed: HTTP ${response.status} ${await response.text()}`);
}
