/// <reference lib="dom" />
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
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
  ensureConsoleBuilt,
  ensureConsoleClient,
  launchChromium,
  screenshot,
  seriousAccessibilityViolations,
} from './support/console-browser';

// The console's use-case register, tree-head consistency check and analyst playground in a real
// Chromium against the real stack. The gateway starts first: the control plane tells the browser
// its address (CONSOLE_GATEWAY_URL), and the gateway answers CORS for the console's origin only.

const gql = async <T = any>(user: string, query: string, variables?: Record<string, unknown>): Promise<T> => {
  const response = await graphqlRequest<T>(CONSOLE_ORIGIN, query, { variables, token: await userToken(user) });
  if (response.errors?.length) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
};

jest.setTimeout(180_000);

describe('console: use-case register, tree-head consistency, analyst playground (Chromium, real stack)', () => {
  let controlPlane: ControlPlane;
  let gateway: Gateway;
  let simulator: SimulatorProcess;
  let browser: Browser;
  /** Each user signs in once for this file; every test opens its pages in that user's browser context. */
  let sessions: ConsoleSessions;
  const run = randomBytes(3).toString('hex');
  const model = `uc-console-${run}`;

  beforeAll(async () => {
    ensureConsoleBuilt();
    await ensureConsoleClient();
    simulator = await startSimulatorProcess(['--models', 'sim-llama', '--output-tokens', '7']);
    gateway = await startGateway({ GATEWAY_CORS_ORIGINS: CONSOLE_ORIGIN });
    controlPlane = await startControlPlane(
      {
        SEED_DEMO_CONSORTIUM: 'true',
        DEMO_SIMULATOR_URL: simulator.url,
        CATALOG_HEALTH_PROBE_INTERVAL_MS: '0',
        AUDIT_TREE_HEAD_INTERVAL_MS: '300',
        CONTROL_PLANE_HOST: '127.0.0.1',
        CONSOLE_GATEWAY_URL: gateway.url,
      },
      { port: CONSOLE_E2E_PORT },
    );
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: model, upstreamUrl: simulator.url, upstreamModel: 'sim-llama' });
    browser = await launchChromium();
    sessions = new ConsoleSessions(browser);
  }, 180_000);

  afterAll(async () => {
    await sessions?.close();
    await browser?.close();
    await controlPlane?.close();
    await gateway?.close();
    await simulator?.stop();
  });

  it('an institution admin drafts and submits a use case, the regulator approves it from the queue, the admin sees the history and binds a key to it', async () => {
    const name = `상담 요약 ${run}`;
    let useCaseId: string;
    {
      const page = await sessions.open('hanbit-bank-admin', '/console/use-cases/new');
      try {
        await page.getByLabel('이름', { exact: true }).fill(name);
        await page.getByLabel('목적', { exact: true }).fill('콜센터 상담 내용을 요약해 상담원의 후속 처리를 돕는다');
        await page.getByLabel('업무 프로세스', { exact: true }).fill('상담 요약');
        await page.getByLabel('사람의 감독 방안', { exact: true }).fill('상담원이 요약을 확인하고 수정한 뒤 저장한다');
        await page.getByLabel('책임자', { exact: true }).fill('디지털혁신부 김하늘');
        await page.getByLabel('연락처', { exact: true }).fill('ai-owner@hanbit.example');
        await page.getByLabel(model, { exact: true }).check();
        expect(await seriousAccessibilityViolations(page)).toEqual([]);
        await screenshot(page, 'tenant-admin-use-case-draft');
        await page.getByRole('button', { name: '저장' }).click();
        await page.waitForURL(/\/console\/use-cases\/[0-9a-f-]{36}$/);
        useCaseId = page.url().split('/').at(-1)!;
        await expect(page.getByTestId('use-case-state').textContent()).resolves.toContain('작성 중');
        await page.getByRole('button', { name: '심사 요청' }).click();
        await page.waitForFunction(() => document.querySelector('[data-testid="use-case-state"]')?.textContent?.includes('심사 대기'));
        await screenshot(page, 'tenant-admin-use-case-submitted');
        expect(await seriousAccessibilityViolations(page)).toEqual([]);
      } finally {
        await page.close();
      }
    }
    {
      const page = await sessions.open('regulator', '/console/use-case-review');
      try {
        await page.getByTestId(`queue-${name}`).waitFor();
        await screenshot(page, 'regulator-use-case-queue');
        expect(await seriousAccessibilityViolations(page)).toEqual([]);
        await page.getByRole('link', { name }).click();
        await page.waitForURL(new RegExp(`/console/use-cases/${useCaseId}$`));
        // Usage, refusals and audit events are beside the decision form.
        await page.getByTestId('use-case-usage').waitFor();
        await page.getByLabel('지정 번호').fill(`FSS-2026-${run}`);
        await page.getByLabel('조건').fill('고객 정보는 마스킹 후에만 모델에 보낸다');
        await page.getByLabel('유효 종료일').fill('2027-12-31');
        await page.getByLabel('의견').fill('보안 조건을 충족하여 승인');
        expect(await seriousAccessibilityViolations(page)).toEqual([]);
        await page.getByRole('button', { name: '결정 기록' }).click();
        await page.waitForFunction(() => document.querySelector('[data-testid="use-case-state"]')?.textContent?.includes('승인'));
        await screenshot(page, 'regulator-use-case-approved');
        await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '활용 사례 심사', exact: true }).click();
        await page.waitForURL((url) => url.pathname === '/console/use-case-review');
        await page.locator('[data-testid="review-queue"]').waitFor();
        expect(await page.getByTestId(`queue-${name}`).count()).toBe(0);
      } finally {
        await page.close();
      }
    }
    {
      const page = await sessions.open('hanbit-bank-admin', `/console/use-cases/${useCaseId}`);
      try {
        await page.getByTestId('use-case-history').waitFor();
        const history = await page.getByTestId('use-case-history').locator('tbody tr').allTextContents();
        expect(history.some((row) => row.includes('submitted') && row.includes('tenant-admin'))).toBe(true);
        expect(history.some((row) => row.includes('approved') && row.includes('regulator') && row.includes('보안 조건을 충족하여 승인'))).toBe(true);
        expect(await page.getByTestId('use-case-approval').textContent()).toContain(`FSS-2026-${run}`);
        await screenshot(page, 'tenant-admin-use-case-history');

        // Issue 13: the new key runs under the approved use case.
        await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: 'API 키', exact: true }).click();
        await page.waitForURL((url) => url.pathname === '/console/api-keys');
        const keyName = `uc-key-${run}`;
        await page.getByLabel('이름').fill(keyName);
        await page.getByLabel('활용 사례').selectOption({ label: `${name} (승인)` });
        await page.getByRole('button', { name: 'API 키 만들기' }).click();
        await page.getByTestId('api-key-secret').waitFor();
        await page.waitForFunction(
          ([key, useCase]) => document.querySelector(`[data-testid="api-key-${key}"]`)?.textContent?.includes(useCase!),
          [keyName, name],
        );
        const { apiKeys } = await gql<any>('hanbit-bank-admin', '{ apiKeys(first: 100) { edges { node { name useCaseId } } } }');
        expect(apiKeys.edges.find((edge: any) => edge.node.name === keyName).node.useCaseId).toBe(useCaseId);
      } finally {
        await page.close();
      }
    }
  });

  it('a supervisor checks the consistency of two signed heads in the browser: "verified"; one proof hash altered in flight fails', async () => {
    const token = await userToken('regulator');
    const { auditPublicKey } = await gql<{ auditPublicKey: { pem: string } }>('regulator', '{ auditPublicKey { pem } }');
    // At least two heads of different, non-empty sizes (each read below is itself audited, so the log grows).
    await eventually(async () => {
      await graphqlRequest(CONSOLE_ORIGIN, '{ institutions(first: 1) { edges { node { id } } } }', { token });
      const heads = (await gql<any>('regulator', '{ treeHeads(first: 50) { edges { node { treeSize } } } }')).treeHeads.edges;
      return new Set(heads.map((edge: any) => edge.node.treeSize).filter((size: number) => size > 1)).size >= 2;
    }, 20_000);

    const page = await sessions.open('regulator', '/console/tree-heads');
    try {
      await page.locator('[data-testid="tree-heads-table"] tbody tr').first().waitFor();
      // The newest head and an older one of another size, as the page shows them (heads keep coming).
      const shown = await page.locator('[data-testid="tree-heads-table"] tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')!));
      const sizes = [...new Set(shown.map((id) => Number(id.replace('tree-head-', ''))).filter((size) => size > 1))];
      const [newer, older] = [sizes[0]!, sizes[Math.min(3, sizes.length - 1)]!];
      expect(newer).toBeGreaterThan(older);
      await page.getByLabel('고정한 공개키 (PEM 또는 base64)').fill(auditPublicKey.pem);
      await page.getByTestId(`tree-head-${newer}`).first().getByRole('checkbox').check();
      await page.getByTestId(`tree-head-${older}`).first().getByRole('checkbox').check();
      await page.getByRole('button', { name: '일관성 검증' }).click();
      await expect(page.getByTestId('consistency-result').locator('.verified').textContent()).resolves.toContain('검증됨');
      await screenshot(page, 'regulator-tree-heads-consistency-verified');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      // The same check with one hash of the consistency proof altered in flight.
      await page.route('**/graphql', async (route) => {
        if (!(route.request().postData() ?? '').includes('query ConsistencyProof(')) return route.continue();
        const response = await route.fetch();
        const json = (await response.json()) as any;
        const proof: string[] = json.data.consistencyProof.proof;
        if (proof.length === 0) throw new Error('the heads need a non-empty consistency proof for this test');
        proof[0] = `${proof[0]!.startsWith('0') ? '1' : '0'}${proof[0]!.slice(1)}`;
        await route.fulfill({ response, json });
      });
      await page.getByRole('button', { name: '일관성 검증' }).click();
      const failed = page.getByTestId('consistency-result').locator('.failed');
      await expect(failed.textContent()).resolves.toContain('실패');
      expect(await failed.getAttribute('data-check')).toMatch(/^(first|second)-root$/);
      await screenshot(page, 'regulator-tree-heads-consistency-failed');
      await page.unroute('**/graphql');
    } finally {
      await page.close();
    }
  });

  it('an analyst calls a model from the playground with a short-lived key and sees the masked personal data and the tokens charged', async () => {
    // CORS for the console's origin only.
    const preflight = (origin: string) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
    const allowed = await preflight(CONSOLE_ORIGIN);
    expect([allowed.status, allowed.headers.get('access-control-allow-origin')]).toEqual([204, CONSOLE_ORIGIN]);
    expect((await preflight('http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();

    const page = await sessions.open('hanbit-bank-analyst', '/console/playground');
    try {
      await page.getByLabel('모델').selectOption(model);
      expect(await page.getByLabel('프롬프트').inputValue()).toContain('900101-1234568');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await page.getByRole('button', { name: '보내기' }).click();
      await page.getByTestId('playground-answer').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('playground-answer').textContent()).toContain('HTTP 200');
      await page.waitForFunction(() => /=/.test(document.querySelector('[data-testid="playground-tokens"]')?.textContent ?? ''), undefined, {
        timeout: 45_000,
      });
      expect(await page.getByTestId('playground-decision').textContent()).toMatch(/^mask /);
      const masked = await page.getByTestId('playground-masked').textContent();
      expect(masked).toContain('주민등록번호 1건');
      expect(masked).toContain('카드번호 1건');
      expect(await page.getByTestId('playground-tokens').textContent()).toMatch(/입력 [1-9][\d,]* \+ 출력 7 = /);
      expect(await page.getByTestId('playground-key').textContent()).toContain('aic_');
      await screenshot(page, 'tenant-member-playground');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      // The record is the caller's own: another member of the institution does not get it.
      const requestId = (await page.locator('[data-testid="playground-record"] code').textContent())!;
      expect(
        (await gql<any>('hanbit-bank-analyst', 'query($id: String!) { playgroundCall(requestId: $id) { completed } }', { id: requestId })).playgroundCall,
      ).toEqual({
        completed: true,
      });
      expect(
        (await gql<any>('hanbit-bank-admin', 'query($id: String!) { playgroundCall(requestId: $id) { completed } }', { id: requestId })).playgroundCall,
      ).toBeNull();
    } finally {
      await page.close();
    }
  });
});
