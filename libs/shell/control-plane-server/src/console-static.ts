import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { AppConfig } from '@ai-commons/config';

// The web console (apps/console, built by Vite into CONSOLE_DIR) at /console, on the same origin as
// /graphql: no CORS. Hashed assets are immutable; every other /console path is the SPA's index.html.
// A person's browser opening / or /graphql is led to the console instead of a JSON 404 or Apollo's
// CSRF refusal; API clients (no text/html in Accept, or a POST) are untouched.

const BASE = '/console';

function wantsHtml(req: Request): boolean {
  return req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
}

/**
 * The console's Content-Security-Policy: its own scripts only; tokens go to Keycloak and /graphql
 * only, and the playground's short-lived key to the gateway (when configured).
 */
function contentSecurityPolicy(keycloakOrigin: string, gatewayOrigin?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${keycloakOrigin}${gatewayOrigin ? ` ${gatewayOrigin}` : ''}`,
    `frame-src ${keycloakOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action 'self' ${keycloakOrigin}`,
  ].join('; ');
}

export function consoleRoutes(config: AppConfig): Router {
  const router = express.Router();
  const dir = path.resolve(config.CONSOLE_DIR);
  const keycloakUrl = (config.CONSOLE_KEYCLOAK_URL ?? config.KEYCLOAK_URL).replace(/\/$/, '');
  const gatewayUrl = config.CONSOLE_GATEWAY_URL?.replace(/\/$/, '');
  const csp = contentSecurityPolicy(new URL(keycloakUrl).origin, gatewayUrl && new URL(gatewayUrl).origin);
  const clientConfig = JSON.stringify({ keycloakUrl, realm: config.KEYCLOAK_REALM, clientId: config.CONSOLE_CLIENT_ID, gatewayUrl: gatewayUrl ?? null });
  let indexHtml: string | null = null;
  const index = (): string | null => {
    const file = path.join(dir, 'index.html');
    if (indexHtml === null && existsSync(file)) indexHtml = readFileSync(file, 'utf8');
    return indexHtml;
  };

  router.get('/', (req: Request, res: Response, next: NextFunction) => (wantsHtml(req) ? res.redirect(302, `${BASE}/`) : next()));
  router.get('/graphql', (req: Request, res: Response, next: NextFunction) =>
    wantsHtml(req) && !req.headers['content-type'] ? res.redirect(302, `${BASE}/graphql`) : next(),
  );
  router.get(`${BASE}/config.json`, (_req: Request, res: Response) => {
    res.set('cache-control', 'no-store').type('application/json').send(clientConfig);
  });
  router.use(`${BASE}/assets`, express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  // A missing asset is a plain 404, never the SPA's HTML (a stale tab would run HTML as a script).
  router.use(`${BASE}/assets`, (_req: Request, res: Response) => {
    res.status(404).type('text/plain').send('Not found\n');
  });
  router.get([BASE, `${BASE}/*rest`], (req: Request, res: Response) => {
    const html = index();
    res.set({ 'cache-control': 'no-cache', 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    if (html === null) {
      res.status(503).type('text/plain').send('The console is not built: run `npm run build`.\n');
      return;
    }
    // A file at the top of the build (e.g. favicon) is served as is; everything else is the SPA.
    const rest = req.path.slice(BASE.length + 1);
    if (rest && !rest.includes('/') && rest.includes('.') && existsSync(path.join(dir, rest))) {
      res.sendFile(path.join(dir, rest));
      return;
    }
    res.type('text/html').send(html);
  });
  return router;
}
