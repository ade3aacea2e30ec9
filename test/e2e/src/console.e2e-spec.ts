/// <reference lib="dom" />
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import type { Gateway } from '@ai-commons/gateway-server';
import { graphqlRequest, userToken } from '@ai-commons/testing';
import { eventually, startControlPlane, startGateway } from './support/environment';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { createEndpointFixture } from './support/gateway-fixtures';
import {
  ConsoleSessions,
  CONSOLE_E2E_PORT,
  CONSOLE_ORIGIN,
  SCREENSHOTS,
  ensureConsoleBuilt,
  ensureConsoleClient,
  launchChromium,
  screenshot,
  seriousAccessibilityViolations,
  signInAs,
} from './support/console-browser';

// The console in a real Chromium against the real stack: control plane (serving the built console),
// gateway, model simulator, PostgreSQL and Keycloak's own login page.

/** Each demo user's navigation, as Korean labels (the console's default language), in order. */
const NAVIGATION: Record<string, { username: string; labels: string[]; paths: string[] }> = {
  'platform-admin': {
    username: 'platform-admin',
    labels: [
      ...['참여 기관', '할당량 풀', '감사 로그', '격리 검증', '사용량'],
      ...['모델 카탈로그', '엔드포인트', '사용량·정산', '데이터 정책', '격리 검증 실행'],
      ...['AI 활용 사례', '트리 헤드'],
      'API 탐색기',
    ],
    paths: [
      ...['/institutions', '/quota-pools', '/audit', '/isolation', '/usage'],
      ...['/catalog', '/endpoints', '/settlement', '/data-policies', '/isolation-runs'],
      ...['/use-cases', '/tree-heads'],
      '/graphql',
    ],
  },
  regulator: {
    username: 'regulator',
    labels: ['참여 기관', '할당량 풀', '감사 로그', '감사 증거 내보내기', '격리 검증', '사용량', 'AI 활용 사례', '활용 사례 심사', '트리 헤드', 'API 탐색기'],
    paths: ['/institutions', '/quota-pools', '/audit', '/audit-export', '/isolation', '/usage', '/use-cases', '/use-case-review', '/tree-heads', '/graphql'],
  },
  'tenant-admin': {
    username: 'hanbit-bank-admin',
    labels: [
      ...['감사 로그', 'API 키', '우리 기관 할당량', '우리 기관 격리 증거', '사용량', '엔드포인트', '데이터 분류·개인정보 설정'],
      ...['AI 활용 사례', '플레이그라운드', 'API 탐색기'],
    ],
    paths: ['/audit', '/api-keys', '/my-quota', '/my-isolation', '/usage', '/endpoints', '/data-settings', '/use-cases', '/playground', '/graphql'],
  },
  'tenant-member': {
    username: 'hanbit-bank-analyst',
    labels: ['우리 기관 할당량', '우리 기관 격리 증거', '사용량', 'AI 활용 사례', '플레이그라운드', 'API 탐색기'],
    paths: ['/my-quota', '/my-isolation', '/usage', '/use-cases', '/playground', '/graphql'],
  },
};

const gql = async <T = any>(user: string, query: string, variables?: Record<string, unknown>): Promise<T> => {
  const response = await graphqlRequest<T>(CONSOLE_ORIGIN, query, { variables, token: await userToken(user) });
  if (response.errors?.length) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
};

async function navLabels(page: Page): Promise<string[]> {
  return page.locator('nav[aria-label="주 메뉴"] a').allTextContents();
}

/** Opens a page as a user does: the navigation link, then waits for that page's own content (not the previous page's). */
async function follow(page: Page, label: string, consolePath: string): Promise<void> {
  // A link to the page already shown keeps it (the home page a user lands on is the first link of some roles).
  if (new URL(page.url()).pathname !== `/console${consolePath}`) {
    await page.evaluate(() => document.querySelectorAll('main *').forEach((element) => element.setAttribute('data-previous-page', '')));
  }
  await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: label, exact: true }).click();
  await page.waitForURL((url) => url.pathname === `/console${consolePath}`);
  await page.locator('main h1:not([data-previous-page]), main .graphiql-container:not([data-previous-page])').first().waitFor();
}

// Real logins, a real browser and a shared 2-core machine: browser tests get more time than API tests.
jest.setTimeout(180_000);

describe('web console in a real browser (Chromium, Keycloak login, real API)', () => {
  let controlPlane: ControlPlane;
  let gateway: Gateway;
  let simulator: SimulatorProcess;
  let browser: Browser;
  /** Each user signs in once for this file; every test opens its pages in that user's browser context. */
  let sessions: ConsoleSessions;
  const run = randomBytes(3).toString('hex');
  const model = `console-${run}`;
  const measurements: Record<string, number> = {};

  beforeAll(async () => {
    ensureConsoleBuilt();
    await ensureConsoleClient();
    simulator = await startSimulatorProcess(['--models', 'sim-llama', '--output-tokens', '7']);
    controlPlane = await startControlPlane(
      {
        SEED_DEMO_CONSORTIUM: 'true',
        DEMO_SIMULATOR_URL: simulator.url,
        CATALOG_HEALTH_PROBE_INTERVAL_MS: '0',
        AUDIT_TREE_HEAD_INTERVAL_MS: '300',
        CONTROL_PLANE_HOST: '127.0.0.1',
      },
      { port: CONSOLE_E2E_PORT },
    );
    gateway = await startGateway();
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: model, upstreamUrl: simulator.url, upstreamModel: 'sim-llama' });
    browser = await launchChromium();
    sessions = new ConsoleSessions(browser);
  }, 180_000);

  afterAll(async () => {
    await sessions?.close();
    await browser?.close();
    await gateway?.close();
    await controlPlane?.close();
    await simulator?.stop();
    if (Object.keys(measurements).length) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      writeFileSync(path.join(SCREENSHOTS, 'measurements.json'), `${JSON.stringify(measurements, null, 2)}\n`);
      process.stdout.write(`console measurements: ${JSON.stringify(measurements)}\n`);
    }
  });

  it('leads a browser from / and from GET /graphql to the console; API clients are unaffected', async () => {
    const root = await fetch(`${CONSOLE_ORIGIN}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const explorer = await fetch(`${CONSOLE_ORIGIN}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
    expect(explorer.status).toBe(302);
    expect(explorer.headers.get('location')).toBe('/console/graphql');
    const spa = await fetch(`${CONSOLE_ORIGIN}/console/audit/some-id?x=1`);
    expect(spa.status).toBe(200);
    expect(spa.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await spa.text()).toContain('<div id="root">');
    const missingAsset = await fetch(`${CONSOLE_ORIGIN}/console/assets/no-such-chunk.js`);
    expect([missingAsset.status, missingAsset.headers.get('content-type')]).toEqual([404, 'text/plain; charset=utf-8']);
    const config = await (await fetch(`${CONSOLE_ORIGIN}/console/config.json`)).json();
    expect(config).toMatchObject({ realm: 'ai-commons', clientId: 'ai-commons-console' });
    const api = await fetch(`${CONSOLE_ORIGIN}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await userToken('regulator')}` },
      body: JSON.stringify({ query: '{ me { username } }' }),
    });
    expect((await api.json()).data.me.username).toBe('regulator');
  });

  it.each(Object.keys(NAVIGATION))(
    '%s signs in on Keycloak’s login page and sees only that role’s navigation; every page renders with no serious accessibility violation',
    async (role) => {
      const { username, labels, paths } = NAVIGATION[role]!;
      const page = await sessions.open(username);
      try {
        expect(await navLabels(page)).toEqual(labels);
        // Tokens stay in memory: nothing token-like in either storage.
        const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
        expect(stored).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
        for (const [index, pagePath] of paths.entries()) {
          await follow(page, labels[index]!, pagePath);
          await page.waitForFunction(() => !document.querySelector('main [role="status"]')?.textContent?.includes('불러오는 중'));
          expect(await page.locator('main [role="alert"]').count()).toBe(0);
          await screenshot(page, `${role}${pagePath.replace(/\//g, '-')}`);
          expect({ page: pagePath, violations: await seriousAccessibilityViolations(page) }).toEqual({ page: pagePath, violations: [] });
        }
        // A page outside the role's navigation is refused by the console too (the API refuses it anyway).
        if (!paths.includes('/api-keys')) {
          await page.goto(`${CONSOLE_ORIGIN}/console/api-keys`);
          await expect(page.getByRole('alert').textContent()).resolves.toContain('권한이 없습니다');
        }
      } finally {
        await page.close();
      }
    },
  );

  it('a tenant admin creates an API key (secret shown once), uses it through the gateway, sees the usage, revokes it, and the gateway refuses it', async () => {
    const page = await sessions.open('hanbit-bank-admin', '/console/usage');
    try {
      page.on('dialog', (dialog) => void dialog.accept());
      // The usage total before the call (the database is shared with other suites).
      const usageBefore = await page.getByTestId('usage-total').textContent();
      await follow(page, 'API 키', '/api-keys');
      const name = `console-key-${run}`;
      await page.getByLabel('이름').fill(name);
      await page.getByRole('button', { name: 'API 키 만들기' }).click();
      const secret = await page.getByTestId('api-key-secret').inputValue();
      expect(secret).toMatch(/^aic_[A-Za-z0-9_-]{43}$/);
      await page.getByTestId(`api-key-${name}`).waitFor();
      await screenshot(page, 'tenant-admin-api-key-created');

      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
      let answer: OpenAI.Chat.ChatCompletion | undefined;
      let lastError: unknown;
      await eventually(async () => {
        answer = await client.chat.completions.create({ model, messages: [{ role: 'user', content: '안녕하세요' }] }).catch((error: unknown) => {
          lastError = error;
          return undefined;
        });
        return answer !== undefined;
      }, 15_000).catch((error: Error) => {
        throw new Error(`${error.message}: ${String(lastError)}`);
      });
      expect(answer!.choices[0]!.message.content).toBeTruthy();

      await eventually(async () => {
        await page.goto(`${CONSOLE_ORIGIN}/console/usage`);
        return (await page.getByTestId('usage-total').textContent()) !== usageBefore;
      }, 15_000);
      await screenshot(page, 'tenant-admin-usage-after-call');

      await follow(page, 'API 키', '/api-keys');
      await page.getByRole('button', { name: `폐기: ${name}` }).click();
      await page.waitForFunction((keyName) => document.querySelector(`[data-testid="api-key-${keyName}"]`)?.textContent?.includes('폐기됨'), name);

      await eventually(async () => {
        const refused = await client.chat.completions.create({ model, messages: [{ role: 'user', content: '다시' }] }).then(
          () => null,
          (error: { status?: number }) => error.status ?? null,
        );
        return refused === 401;
      }, 15_000);
    } finally {
      await page.close();
    }
  });

  it('a supervisor verifies an audit event in the browser: "verified"; one altered proof hash fails at the root; a wrong pinned key fails', async () => {
    // At least 100 events (each cross-tenant read is audited), then wait for a signed head covering them.
    const token = await userToken('regulator');
    for (let i = 0; i < 100; i++) await graphqlRequest(CONSOLE_ORIGIN, '{ institutions(first: 1) { edges { node { id } } } }', { token });
    const { auditPublicKey } = await gql<{ auditPublicKey: { pem: string } }>('regulator', '{ auditPublicKey { pem } }');
    // One event, chosen once: each read below is itself a new cross-tenant.access event.
    const listed = await gql<any>(
      'regulator',
      '{ auditEvents(first: 1, newestFirst: true, filter: { action: "cross-tenant.access" }) { edges { node { id } } } }',
    );
    const eventId: string = listed.auditEvents.edges[0].node.id;
    let seen: unknown;
    await eventually(async () => {
      seen = await gql(
        'regulator',
        `query($id: ID!) { auditEvent(id: $id) { event { leafIndex } inclusionProof { treeSize } } latestTreeHead { treeSize timestamp } }`,
        { id: eventId },
      );
      return (seen as any).auditEvent.inclusionProof !== null;
    }, 20_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(seen)}`);
    });

    // Time from submitting the login form to an audit explorer page of 100 rendered events.
    const context = await browser.newContext({ locale: 'ko-KR', timezoneId: 'Asia/Seoul', viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    try {
      await page.goto(`${CONSOLE_ORIGIN}/console/audit`);
      await page.waitForURL(/\/protocol\/openid-connect\/auth/);
      await page.fill('#username', 'regulator');
      await page.fill('#password', 'demo-password');
      const submitted = performance.now();
      await page.click('#kc-login');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-table"] tbody tr').length === 100);
      measurements.loginToAuditExplorer100EventsMs = Math.round(performance.now() - submitted);
      await screenshot(page, 'regulator-audit-explorer-100');

      // Keyset pagination: the next page's cursor is in the URL and shows older events.
      const firstPage = await page.locator('[data-testid="audit-table"] tbody tr').allTextContents();
      await page.getByRole('link', { name: '다음 페이지' }).click();
      await page.waitForURL(/[?&]after=/);
      await page.waitForFunction((first) => {
        const rows = Array.from(document.querySelectorAll('[data-testid="audit-table"] tbody tr'), (row) => row.textContent);
        return rows.length > 0 && !rows.includes(first);
      }, firstPage[0]);

      // Filters live in the URL: a shared link opens the same view.
      await page.getByLabel('행위').fill('cross-tenant.access');
      await page.getByLabel('결과').selectOption('success');
      await page.getByRole('button', { name: '적용' }).click();
      await page.waitForURL(
        (url) => url.searchParams.get('action') === 'cross-tenant.access' && url.searchParams.get('outcome') === 'success' && !url.searchParams.has('after'),
      );
      // The URL changes at once; the table follows when the filtered page is in (only that action, none busy).
      await page.waitForFunction(() => {
        const cells = Array.from(document.querySelectorAll('[data-testid="audit-table"] tbody tr td:nth-child(2)'), (cell) => cell.textContent);
        return !document.querySelector('[aria-busy="true"]') && cells.length > 0 && cells.every((action) => action === 'cross-tenant.access');
      });
      const shared = await context.newPage();
      await shared.goto(page.url());
      await shared.locator('[aria-busy="false"] [data-testid="audit-table"]').waitFor();
      expect(await shared.getByLabel('행위').inputValue()).toBe('cross-tenant.access');
      await shared.close();

      await page.goto(`${CONSOLE_ORIGIN}/console/audit/${eventId}`);
      await page.getByLabel('고정한 공개키 (PEM 또는 base64)').fill(auditPublicKey.pem);
      await page.getByRole('button', { name: '검증', exact: true }).click();
      await expect(page.getByTestId('verification-result').locator('.verified').textContent()).resolves.toContain('검증됨');
      await screenshot(page, 'regulator-audit-event-verified');

      // The same event with one hash of the proof altered in flight.
      await page.route('**/graphql', async (route) => {
        const body = route.request().postData() ?? '';
        if (!body.includes('query AuditEvent(')) return route.continue();
        const response = await route.fetch();
        const json = (await response.json()) as any;
        const proof: string[] = json.data.auditEvent.inclusionProof.proof;
        if (proof.length === 0) throw new Error('the event needs a non-empty proof for this test');
        proof[0] = `${proof[0]!.startsWith('0') ? '1' : '0'}${proof[0]!.slice(1)}`;
        await route.fulfill({ response, json });
      });
      await page.reload();
      await page.getByLabel('고정한 공개키 (PEM 또는 base64)').waitFor();
      await page.getByRole('button', { name: '검증', exact: true }).click();
      const failed = page.getByTestId('verification-result').locator('.failed');
      await expect(failed.textContent()).resolves.toContain('실패: 포함 증명이 루트 해시로 이어지지 않음');
      expect(await failed.getAttribute('data-check')).toBe('root-hash');
      await screenshot(page, 'regulator-audit-event-failed-proof');
      await page.unroute('**/graphql');

      // A key that did not sign the head.
      const wrong = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
      await page.reload();
      await page.getByLabel('고정한 공개키 (PEM 또는 base64)').fill(wrong);
      await page.getByRole('button', { name: '검증', exact: true }).click();
      await expect(page.getByTestId('verification-result').locator('.failed').getAttribute('data-check')).resolves.toBe('key-id');
      expect(await page.getByTestId('verification-result').textContent()).toContain('헤드에 서명한 키가 고정한 키가 아님');
    } finally {
      await context.close();
    }
  });

  it('a tenant admin sees its own isolation evidence from the latest signed report and downloads it for its supervisor; nothing of other institutions', async () => {
    const { id: runId } = (await gql<{ startIsolationVerification: { id: string } }>('platform-admin', 'mutation { startIsolationVerification { id } }'))
      .startIsolationVerification;
    const others = (
      await gql<{ institutions: { edges: { node: { id: string; slug: string } }[] } }>(
        'platform-admin',
        '{ institutions(first: 100) { edges { node { id slug } } } }',
      )
    ).institutions.edges
      .map((edge) => edge.node)
      .filter((entry) => entry.slug !== 'hanbit-bank');
    const page = await sessions.open('hanbit-bank-admin', '/console/my-isolation');
    try {
      await page.getByTestId('my-isolation-run').waitFor();
      expect(await page.getByTestId('my-isolation-run').textContent()).toContain(runId);
      await page.getByTestId('my-isolation-check-probe.sql-canaries').waitFor();
      await screenshot(page, 'tenant-admin-my-isolation-evidence');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '감독기관 제출용 증거 내려받기 (JSON)' }).click()]);
      expect(download.suggestedFilename()).toBe(`isolation-evidence-hanbit-bank-${runId}.json`);
      const stream = await download.createReadStream();
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      expect(JSON.parse(text)).toMatchObject({ purpose: 'ai-commons/isolation-evidence', runId, institution: { slug: 'hanbit-bank' } });
      for (const other of others) {
        expect(text).not.toContain(other.id);
        expect(text).not.toContain(other.slug);
      }
    } finally {
      await page.close();
    }
  });

  it('a supervisor verifies an isolation report’s Ed25519 signature in the browser; a report altered in flight fails at its SHA-256', async () => {
    const { id: runId } = (await gql<{ startIsolationVerification: { id: string } }>('regulator', 'mutation { startIsolationVerification { id } }'))
      .startIsolationVerification;
    const { auditPublicKey } = await gql<{ auditPublicKey: { pem: string } }>('regulator', '{ auditPublicKey { pem } }');
    const page = await sessions.open('regulator', '/console/isolation');
    try {
      const cell = page.getByTestId(`isolation-verify-${runId}`);
      await page.getByLabel('고정한 공개키 (PEM 또는 base64)').fill(auditPublicKey.pem);
      await cell.getByRole('button', { name: `검증: ${runId}` }).click();
      await expect(cell.locator('.verified').textContent()).resolves.toContain('검증됨');
      await screenshot(page, 'regulator-isolation-report-verified');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      // The report's verdict rewritten in flight: the browser's SHA-256 no longer matches the signed one.
      await page.route('**/graphql', async (route) => {
        if (!(route.request().postData() ?? '').includes('query IsolationReportJson(')) return route.continue();
        const response = await route.fetch();
        const json = (await response.json()) as any;
        const signed = JSON.parse(json.data.isolationReportJson);
        signed.report.status = signed.report.status === 'passed' ? 'failed' : 'passed';
        json.data.isolationReportJson = JSON.stringify(signed);
        await route.fulfill({ response, json });
      });
      await cell.getByRole('button', { name: `검증: ${runId}` }).click();
      await expect(cell.locator('.failed').getAttribute('data-check')).resolves.toBe('sha256');
      expect(await cell.textContent()).toContain('실패: 보고서 내용이 서명된 SHA-256과 다름');
      await page.unroute('**/graphql');

      // A key that did not sign the report.
      const wrong = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
      await page.getByLabel('고정한 공개키 (PEM 또는 base64)').fill(wrong);
      await cell.getByRole('button', { name: `검증: ${runId}` }).click();
      await expect(cell.locator('.failed').getAttribute('data-check')).resolves.toBe('key-id');
    } finally {
      await page.close();
    }
  });

  it('a supervisor downloads an audit export bundle and sees the offline verification command', async () => {
    const page = await sessions.open('regulator', '/console/audit-export');
    try {
      expect(await page.getByTestId('audit-export-command').textContent()).toContain('npm run verify:audit -- --bundle');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '묶음 내려받기 (tar)' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^ai-commons-audit-all-.*\.tar$/);
      const chunks: Buffer[] = [];
      for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
      const tar = Buffer.concat(chunks);
      // A POSIX tar: "ustar" at offset 257 of the first header, and the manifest inside.
      expect(tar.subarray(257, 262).toString('latin1')).toBe('ustar');
      expect(tar.toString('latin1')).toContain('manifest.json');
      await expect(page.getByTestId('audit-export-done').textContent()).resolves.toContain(download.suggestedFilename());
      await screenshot(page, 'regulator-audit-export-downloaded');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a platform admin edits a pool with the allocation preview, saves it, and the chart changes', async () => {
    const page = await sessions.open('platform-admin', '/console/quota-pools');
    try {
      const card = page.locator('article.card').first();
      await card.getByTestId('pool-chart').waitFor();
      const before = await card.getByTestId('pool-chart').getAttribute('data-option');
      const tpm = card.locator('input[name="tokensPerMinute"]');
      const next = Number(await tpm.inputValue()) * 2;
      await tpm.fill(String(next));
      await card.getByRole('button', { name: '배분 미리보기' }).click();
      await card.getByTestId('allocation-preview').waitFor();
      await screenshot(page, 'platform-admin-pool-preview');
      await card.getByRole('button', { name: '저장' }).click();
      await page.waitForFunction(
        (previous) => document.querySelector('article.card [data-testid="pool-chart"]')?.getAttribute('data-option') !== previous,
        before,
      );
      const after = JSON.parse((await card.getByTestId('pool-chart').getAttribute('data-option'))!);
      const guaranteedBefore = JSON.parse(before!).series[0].data as number[];
      const guaranteedAfter = after.series[0].data as number[];
      expect(guaranteedAfter.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(2 * guaranteedBefore.reduce((a, b) => a + b, 0), 0);
      await screenshot(page, 'platform-admin-pool-saved');
      // Put it back for the other suites sharing the database.
      await tpm.fill(String(next / 2));
      await card.getByRole('button', { name: '배분 미리보기' }).click();
      await card.getByRole('button', { name: '저장' }).click();
      await card.getByRole('status').filter({ hasText: '저장했습니다' }).waitFor();
    } finally {
      await page.close();
    }
  });

  it('refreshes the access token before it expires (refresh-token grant), and the next page still loads', async () => {
    const context = await browser.newContext({ locale: 'ko-KR', timezoneId: 'Asia/Seoul', viewport: { width: 1366, height: 900 } });
    await context.clock.install();
    const page = await context.newPage();
    const grants: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/protocol/openid-connect/token')) grants.push(new URLSearchParams(request.postData() ?? '').get('grant_type') ?? '');
    });
    try {
      await page.goto(`${CONSOLE_ORIGIN}/console/usage`);
      await page.waitForURL(/\/protocol\/openid-connect\/auth/);
      await page.fill('#username', 'regulator');
      await page.fill('#password', 'demo-password');
      await page.click('#kc-login');
      await page.getByTestId('usage-total').waitFor();
      expect(grants).toEqual(['authorization_code']);
      // The demo realm's access tokens live 300 s: 290 s later the console refreshes before calling the API.
      await page.clock.fastForward('04:50');
      await page.getByRole('link', { name: '참여 기관' }).click();
      await page.locator('main table').waitFor();
      expect(grants).toContain('refresh_token');
      expect(await page.locator('main [role="alert"]').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('switches to English and back; sign-out ends the Keycloak session', async () => {
    const { context, page } = await signInAs(browser, 'regulator', '/console/institutions');
    try {
      await page.getByLabel('언어').selectOption('en');
      await expect(page.locator('h1').textContent()).resolves.toBe('Consortium overview');
      await expect(page.locator('main table').textContent()).resolves.toContain('한빛은행 (Hanbit Bank)');
      await expect(page.locator('main table').textContent()).resolves.toMatch(/₩[\d,]+/);
      await screenshot(page, 'regulator-institutions-en');
      await page.getByLabel('Language').selectOption('ko');
      await page.getByRole('button', { name: '로그아웃' }).click();
      await page.waitForURL((url) => url.href.includes('/protocol/openid-connect/auth'));
      expect(await page.locator('#username').count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});
