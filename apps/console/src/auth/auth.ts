// Sign-in with Keycloak: authorization code + PKCE (S256) through keycloak-js, public client
// ai-commons-console. Tokens live in this module's memory only (keycloak-js keeps them on the
// instance; nothing here writes them to storage). The redirect URI is always exactly
// <origin>/console/ (registered as such); the page the person asked for is restored afterwards.
import Keycloak from 'keycloak-js';

export interface ConsoleConfig {
  keycloakUrl: string;
  realm: string;
  clientId: string;
}

const RETURN_TO = 'ai-commons.console.return-to';
let keycloak: Keycloak | null = null;

export function redirectUri(): string {
  return `${window.location.origin}/console/`;
}

export async function signIn(config: ConsoleConfig): Promise<Keycloak> {
  const returningFromKeycloak = /(^|[#&])state=/.test(window.location.hash);
  if (!returningFromKeycloak) sessionStorage.setItem(RETURN_TO, window.location.pathname + window.location.search);
  const instance = new Keycloak({ url: config.keycloakUrl, realm: config.realm, clientId: config.clientId });
  instance.onTokenExpired = () => {
    instance.updateToken(30).catch(() => instance.login({ redirectUri: redirectUri() }));
  };
  await instance.init({
    onLoad: 'login-required',
    pkceMethod: 'S256',
    checkLoginIframe: false,
    responseMode: 'fragment',
    redirectUri: redirectUri(),
  });
  keycloak = instance;
  const target = sessionStorage.getItem(RETURN_TO);
  sessionStorage.removeItem(RETURN_TO);
  if (target && target.startsWith('/console')) window.history.replaceState(null, '', target);
  return instance;
}

/** A fresh access token (refreshed when it has less than 30 s left). */
export async function accessToken(): Promise<string> {
  if (!keycloak) throw new Error('not signed in');
  await keycloak.updateToken(30);
  if (!keycloak.token) throw new Error('no access token');
  return keycloak.token;
}

export function signOut(): Promise<void> {
  if (!keycloak) return Promise.resolve();
  return keycloak.logout({ redirectUri: redirectUri() });
}
