/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD, KEYCLOAK_URL, REALM, keycloakAdminToken } from '@ai-commons/testing';

export const repoRoot = path.resolve(__dirname, '../../../..');
export const CONSOLE_DIR = path.join(repoRoot, 'dist/apps/console');
export const SCREENSHOTS = path.join(repoRoot, '.data/console-screenshots');
/** The console's redirect URI must be exact, so the control plane under test listens on a fixed port. */
export const CONSOLE_E2E_PORT = Number(process.env.CONSOLE_E2E_PORT ?? 14400);
export const CONSOLE_ORIGIN = `http://127.0.0.1:${CONSOLE_E2E_PORT}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Builds the console unless a build is there (npm test builds it first; a targeted run may not have). */
export function ensureConsoleBuilt(): void {
  if (existsSync(path.join(CONSOLE_DIR, 'index.html'))) return;
  execFileSync(process.execPath, [path.join(repoRoot, 'apps/console/tools/build-console.mjs')], { cwd: repoRoot, stdio: 'inherit' });
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The shared Keycloak imported its realm at start; the console client may be newer than that import.
 * Creates it from the realm file when missing, and adds this test's exact origin to its redirect URIs,
 * post-logout redirect URIs and web origins (idempotent; never restarts Keycloak).
 */
export async function ensureConsoleClient(origin = CONSOLE_ORIGIN): Promise<void> {
  const realmFile = JSON.parse(readFileSync(path.join(repoRoot, 'deploy/keycloak/realms/ai-commons-realm.json'), 'utf8')) as { clients: Record<string, any>[] };
  const template = realmFile.clients.find((client) => client.clientId === 'ai-commons-console');
  if (!template) throw new Error('ai-commons-console is missing from the demo realm file');
  const headers = { authorization: `Bearer ${await keycloakAdminToken()}`, 'content-type': 'application/json' };
  const base = `${KEYCLOAK_URL}/admin/realms/${REALM}/clients`;
  const found = (await (await fetch(`${base}?clientId=ai-commons-console`, { headers })).json()) as Record<string, any>[];
  const redirect = `${origin}/console/`;
  const merge = (list: string[] | undefined, value: string) => [...new Set([...(list ?? []), value])];
  if (found.length === 0) {
    const client = {
      ...template,
      redirectUris: merge(template.redirectUris, redirect),
      webOrigins: merge(template.webOrigins, origin),
      attributes: {
        ...template.attributes,
        'post.logout.redirect.uris': merge(template.attributes['post.logout.redirect.uris'].split('##'), redirect).join('##'),
      },
    };
    const created = await fetch(base, { method: 'POST', headers, body: JSON.stringify(client) });
    if (created.status !== 201 && created.status !== 409) throw new Error(`creating ai-commons-console: HTTP ${created.status} ${await created.text()}`);
    if (created.status === 201) return;
    return ensureConsoleClient(origin);
  }
  const client = found[0]!;
  const logoutUris = String(client.attributes?.['post.logout.redirect.uris'] ?? '')
    .split('##')
    .filter(Boolean);
  if (client.redirectUris?.includes(redirect) && client.webOrigins?.includes(origin) && logoutUris.includes(redirect)) return;
  const updated = {
    ...client,
    redirectUris: merge(client.redirectUris, redirect),
    webOrigins: merge(client.webOrigins, origin),
    attributes: { ...client.attributes, 'post.logout.redirect.uris': merge(logoutUris, redirect).join('##') },
  };
  const response = await fetch(`${base}/${client.id}`, { method: 'PUT', headers, body: JSON.stringify(updated) });
  if (response.status !== 204) throw new Error(`updating ai-commons-console: HTTP ${response.status} ${await response.text()}`);
}

export interface SignedIn {
  context: BrowserContext;
  page: Page;
  /** Milliseconds from submitting Keycloak's login form to the console showing who is signed in. */
  signInMs: number;
}

/** Opens the console at path, signs in on Keycloak's own login page, and waits for the console. */
export async function signInAs(browser: Browser, username: string, consolePath = '/console/'): Promise<SignedIn> {
  const context = await browser.newContext({ locale: 'ko-KR', timezoneId: 'Asia/Seoul', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${CONSOLE_ORIGIN}${consolePath}`);
  await page.waitForURL((url) => url.href.startsWith(`${KEYCLOAK_URL}/realms/${REALM}/protocol/openid-connect/auth`));
  await page.fill('#username', username);
  await page.fill('#password', DEMO_PASSWORD);
  const submitted = performance.now();
  await page.click('#kc-login');
  await page.getByTestId('who').waitFor();
  return { context, page, signInMs: performance.now() - submitted };
}

/**
 * One browser context per demo user for a spec file: the user's first page signs in on Keycloak's login
 * page; later pages reuse that context's Keycloak session (its cookie), so the console's login redirect
 * comes straight back without the form. The console keeps tokens in memory only, so every page still
 * runs its own OIDC code flow against Keycloak. A page that lands on the form anyway (the session ended:
 * a test signed out) signs in again.
 */
export class ConsoleSessions {
  private readonly contexts = new Map<string, Promise<BrowserContext>>();

  constructor(private readonly browser: Browser) {}

  /** A new page of the user's context at consolePath, signed in (the console shows who). */
  async open(username: string, consolePath = '/console/'): Promise<Page> {
    let context = this.contexts.get(username);
    if (!context) {
      context = this.browser.newContext({ locale: 'ko-KR', timezoneId: 'Asia/Seoul', viewport: { width: 1366, height: 900 } });
      this.contexts.set(username, context);
    }
    const page = await (await context).newPage();
    await page.goto(`${CONSOLE_ORIGIN}${consolePath}`);
    const who = page.getByTestId('who');
    const loginForm = page.locator('#kc-login');
    await who.or(loginForm).first().waitFor();
    if (await loginForm.isVisible()) {
      await page.fill('#username', username);
      await page.fill('#password', DEMO_PASSWORD);
      await loginForm.click();
      await who.waitFor();
    }
    return page;
  }

  async close(): Promise<void> {
    for (const context of this.contexts.values()) await (await context).close();
    this.contexts.clear();
  }
}

let axeSource: string | null = null;

/** axe-core (bundled, evaluated in the page: no CDN, and the console's CSP allows no inline script). */
export async function seriousAccessibilityViolations(page: Page): Promise<{ id: string; impact: string; help: string; targets: string[] }[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
