/// <reference lib="dom" />
import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { graphqlRequest, userToken, withPg } from '@ai-commons/testing';
import { e2eDatabase, eventually, startControlPlane } from './support/environment';
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

// The console's administration pages in a real Chromium against the real stack (control plane serving
// the built console, model simulator, PostgreSQL, Keycloak's login page): what a platform admin and a
// member institution's admin do there. Navigation and axe checks of every page: console.e2e-spec.ts.

const gql = async <T = any>(user: string, query: string, variables?: Record<string, unknown>): Promise<T> => {
  const response = await graphqlRequest<T>(CONSOLE_ORIGIN, query, { variables, token: await userToken(user) });
  if (response.errors?.length) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
};
const superuser = <T = any>(sql: string, parameters: unknown[] = []): Promise<T[]> =>
  withPg(e2eDatabase().superuserUrl, async (client) => (await client.query(sql, parameters)).rows as T[]);

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
}

/** "YYYY-MM" of now in KST, and its [from, to) instants. */
function kstMonth(now = new Date()): { month: string; from: string; to: string } {
  const kst = new Date(now.getTime() + 9 * 3_600_000);
  const [year, index] = [kst.getUTCFullYear(), kst.getUTCMonth()];
  return {
    month: `${year}-${String(index + 1).padStart(2, '0')}`,
    from: new Date(Date.UTC(year, index, 1) - 9 * 3_600_000).toISOString(),
    to: new Date(Date.UTC(year, index + 1, 1) - 9 * 3_600_000).toISOString(),
  };
}

jest.setTimeout(180_000);

describe('console administration pages in a real browser (platform admin, member institution admin)', () => {
  let controlPlane: ControlPlane;
  let simulator: SimulatorProcess;
  let browser: Browser;
  /** Each user signs in once for this file; every test opens its pages in that user's browser context. */
  let sessions: ConsoleSessions;
  const run = randomBytes(3).toString('hex');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ensureConsoleBuilt();
    await ensureConsoleClient();
    simulator = await startSimulatorProcess(['--models', 'sim-llama', '--output-tokens', '7']);
    controlPlane = await startControlPlane(
      { SEED_DEMO_CONSORTIUM: 'true', DEMO_SIMULATOR_URL: simulator.url, CATALOG_HEALTH_PROBE_INTERVAL_MS: '500', CONTROL_PLANE_HOST: '127.0.0.1' },
      { port: CONSOLE_E2E_PORT },
    );
    for (const row of await superuser<{ id: string; slug: string }>('select id, slug from institutions')) ids[row.slug] = row.id;
    // Hanbit Bank: one endpoint the prober finds healthy, one whose upstream does not answer; and one of Nuri's.
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: `up-${run}`, upstreamUrl: simulator.url, upstreamModel: 'sim-llama' });
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: `down-${run}`, upstreamUrl: 'http://127.0.0.1:9', upstreamModel: 'sim-llama' });
    await createEndpointFixture({ tenantSlug: 'nuri-insurance', name: `nuri-${run}`, upstreamUrl: simulator.url, upstreamModel: 'sim-llama' });
    browser = await launchChromium();
    sessions = new ConsoleSessions(browser);
  }, 180_000);

  afterAll(async () => {
    await sessions?.close();
    await browser?.close();
    await controlPlane?.close();
    await simulator?.stop();
  });

  it('a platform admin adds an institution, then suspends, reactivates and offboards it, each after a confirmation dialog with a reason', async () => {
    const page = await sessions.open('platform-admin', '/console/institutions');
    try {
      const slug = `e2e-${run}`;
      const name = `시험기관 ${run} (Test Institution ${run})`;
      await page.getByText('참여 기관 추가', { exact: true }).click();
      await page.getByLabel('식별자 (slug)').fill(slug);
      await page.getByLabel('한글 기관명').fill(`시험기관 ${run}`);
      await page.getByLabel('영문 기관명').fill(`Test Institution ${run}`);
      await page.getByLabel('출자금').fill('1000000');
      await page.getByRole('button', { name: '기관 추가', exact: true }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `${slug} 기관을 추가했습니다` })
        .waitFor();
      const row = page.getByTestId(`institution-${slug}`);
      const status = row.getByTestId('institution-status');
      await expect(status.textContent()).resolves.toBe('활성');

      // Escape cancels: nothing changes.
      await row.getByRole('button', { name: `정지: ${name}` }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await dialog.getByRole('button', { name: '정지' }).isDisabled()).toBe(true);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await expect(status.textContent()).resolves.toBe('활성');

      // Suspend: the dialog asks for the reason, which the audit log keeps.
      await row.getByRole('button', { name: `정지: ${name}` }).click();
      await dialog.getByLabel('사유 (감사 로그에 기록됩니다)').fill('e2e: 분담금 미납');
      await screenshot(page, 'platform-admin-institution-suspend-dialog');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await dialog.getByRole('button', { name: '정지' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.waitForFunction(
        (s) => document.querySelector(`[data-testid="institution-${s}"] [data-testid="institution-status"]`)?.textContent === '정지',
        slug,
      );
      const [institution] = await superuser<{ id: string; status: string }>('select id, status from institutions where slug = $1', [slug]);
      expect(institution!.status).toBe('suspended');

      await row.getByRole('button', { name: `재개: ${name}` }).click();
      await dialog.getByLabel('사유 (감사 로그에 기록됩니다)').fill('e2e: 납부 확인');
      await dialog.getByRole('button', { name: '재개' }).click();
      await page.waitForFunction(
        (s) => document.querySelector(`[data-testid="institution-${s}"] [data-testid="institution-status"]`)?.textContent === '활성',
        slug,
      );
      await screenshot(page, 'platform-admin-consortium');

      // Offboarding leaves the consortium as the other suites expect it (no extra active member).
      await row.getByRole('button', { name: `탈퇴 처리: ${name}` }).click();
      await dialog.getByLabel('사유 (감사 로그에 기록됩니다)').fill('e2e: 시험 종료');
      await dialog.getByRole('button', { name: '탈퇴 처리' }).click();
      await page.waitForFunction(
        (s) => document.querySelector(`[data-testid="institution-${s}"] [data-testid="institution-status"]`)?.textContent === '탈퇴',
        slug,
      );
      expect(await row.getByRole('button').count()).toBe(0);
      const history = await superuser<{ to_status: string; reason: string }>(
        'select to_status, reason from institution_status_history where tenant_id = $1 and from_status is not null order by changed_at',
        [institution!.id],
      );
      expect(history.map((change) => [change.to_status, change.reason])).toEqual([
        ['suspended', 'e2e: 분담금 미납'],
        ['active', 'e2e: 납부 확인'],
        ['offboarded', 'e2e: 시험 종료'],
      ]);

      // The status filter lives in the URL.
      await page.getByLabel('상태').selectOption('offboarded');
      await page.waitForURL((url) => url.searchParams.get('status') === 'offboarded');
      await page.waitForFunction(() => {
        const cells = Array.from(document.querySelectorAll('[data-testid="institution-status"]'), (cell) => cell.textContent);
        return !document.querySelector('[aria-busy="true"]') && cells.length > 0 && cells.every((text) => text === '탈퇴');
      });
    } finally {
      await page.close();
    }
  });

  it('a platform admin views a month’s settlement (investment share vs use share) and downloads it as CSV', async () => {
    const { month, from, to } = kstMonth();
    const { quotaPools } = await gql<{ quotaPools: { id: string; name: string }[] }>('platform-admin', '{ quotaPools { id name } }');
    const pool = quotaPools[0]!;
    // Usage the gateway would have written through the pool's endpoints: 1 : 3 : 6, unlike the 5 : 3 : 2 of capital.
    const endpoints = await superuser<{ tenant_id: string; endpoint_id: string; name: string }>(
      `select distinct on (pe.tenant_id) pe.tenant_id, pe.endpoint_id, e.name from quota_pool_endpoints pe join endpoints e on e.id = pe.endpoint_id
       where pe.pool_id = $1 order by pe.tenant_id, pe.endpoint_id`,
      [pool.id],
    );
    const tokens: Record<string, number> = { 'hanbit-bank': 1000, 'nuri-insurance': 3000, 'gaon-securities': 6000 };
    for (const endpoint of endpoints) {
      const slug = Object.keys(ids).find((key) => ids[key] === endpoint.tenant_id)!;
      await superuser(
        `insert into usage_records (tenant_id, request_id, endpoint_id, endpoint_name, model, principal_subject, prompt_tokens, completion_tokens, latency_ms, http_status, outcome, occurred_at)
         values ($1, $2, $3, $4, 'sim-llama', 'tests', $5, 0, 5, 200, 'success', now() - interval '10 seconds')`,
        [endpoint.tenant_id, `settle-${run}-${slug}`, endpoint.endpoint_id, endpoint.name, tokens[slug] ?? 100],
      );
    }
    const { quotaSettlement } = await gql<any>(
      'platform-admin',
      'query($p: ID!, $f: DateTime!, $t: DateTime!) { quotaSettlement(poolId: $p, from: $f, to: $t) { members { institutionId weight useShare tokens } } }',
      { p: pool.id, f: from, t: to },
    );
    const page = await sessions.open('platform-admin', `/console/settlement?month=${month}&poolId=${pool.id}`);
    try {
      await page.getByTestId('settlement-chart').waitFor();
      const option = JSON.parse((await page.getByTestId('settlement-chart').getAttribute('data-option'))!);
      expect(option.series.map((series: { name: string }) => series.name)).toEqual(['출자 비중', '사용 비중']);
      expect(option.series[0].data).toEqual(quotaSettlement.members.map((m: { weight: number }) => Math.round(m.weight * 1000) / 10));
      await screenshot(page, 'platform-admin-settlement');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      const csv = await downloaded(page, () => page.getByRole('button', { name: 'CSV 내려받기' }).click());
      expect(csv.name).toBe(`settlement-${pool.name}-${month}.csv`);
      const lines = csv.text
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines[0]).toBe('pool,from,to,institution_id,institution,investment_share,use_share,tokens,by_investment_krw,by_use_krw');
      expect(lines).toHaveLength(quotaSettlement.members.length + 1);
      for (const member of quotaSettlement.members) {
        const line = lines.find((entry) => entry.includes(`,${member.institutionId},`));
        expect(line).toContain(`,${member.weight.toFixed(6)},${member.useShare.toFixed(6)},${Math.round(member.tokens)},`);
        expect(line).toContain(`${pool.name},${from},${to},`);
      }
      expect(csv.text).toContain('한빛은행 (Hanbit Bank)');
      expect(quotaSettlement.members.some((m: { weight: number; useShare: number }) => Math.abs(m.weight - m.useShare) > 0.05)).toBe(true);

      // Another month is a URL of its own.
      await page.getByLabel('정산 월').fill('2026-01');
      await page.waitForURL((url) => url.searchParams.get('month') === '2026-01');
    } finally {
      await page.close();
      await superuser(`delete from usage_records where request_id like $1`, [`settle-${run}-%`]);
    }
  });

  it('a platform admin starts an isolation run, watches it to completion, and acknowledges an alert', async () => {
    // One open alert to acknowledge (a failed check raises them; the demo platform passes its checks).
    const [latest] = await superuser<{ id: string }>('select id from isolation_runs order by started_at desc limit 1');
    const runId =
      latest?.id ??
      (await gql<{ startIsolationVerification: { id: string } }>('platform-admin', 'mutation { startIsolationVerification { id } }')).startIsolationVerification
        .id;
    const checkId = `e2e.alert-${run}`;
    await superuser(`insert into isolation_alerts (run_id, check_id, concern, summary) values ($1, $2, 'other-members', 'e2e: a raised alert')`, [
      runId,
      checkId,
    ]);
    const page = await sessions.open('platform-admin', '/console/isolation-runs');
    try {
      await page.getByTestId('isolation-runs-table').waitFor();
      await page.getByRole('button', { name: '지금 검증 실행' }).click();
      await page.getByTestId('isolation-progress').waitFor();
      await screenshot(page, 'platform-admin-isolation-run-progress');
      const message = page.getByTestId('isolation-run-message');
      await message.waitFor({ timeout: 120_000 });
      const text = (await message.textContent()) ?? '';
      const [, id] = /검증 (\S+) 완료/.exec(text) ?? [];
      expect(id).toBeTruthy();
      const [stored] = await superuser<{ status: string }>('select status from isolation_runs where id = $1', [id]);
      expect(['passed', 'warning', 'failed']).toContain(stored!.status);
      const runRow = page.getByTestId(`isolation-run-${id}`);
      await page.waitForFunction((runId) => document.querySelector(`[data-testid="isolation-run-${runId}"]`)?.getAttribute('data-status') !== 'running', id);
      expect(await runRow.getAttribute('data-status')).toBe(stored!.status);
      expect(await page.getByTestId('isolation-progress').count()).toBe(0);

      // The signed report downloads as JSON.
      const report = await downloaded(page, () => runRow.getByRole('button', { name: `JSON 내려받기: ${id}` }).click());
      expect(report.name).toBe(`isolation-report-${id}.json`);
      expect(JSON.parse(report.text)).toMatchObject({ report: { runId: id } });

      await page.getByRole('button', { name: `확인 처리: ${checkId}` }).click();
      await page.getByRole('button', { name: `확인 처리: ${checkId}` }).waitFor({ state: 'detached' });
      await screenshot(page, 'platform-admin-isolation-runs');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      const [alert] = await superuser<{ acknowledged_by: string | null }>('select acknowledged_by from isolation_alerts where check_id = $1', [checkId]);
      expect(alert!.acknowledged_by).toBeTruthy();
    } finally {
      await page.close();
      await superuser('delete from isolation_alerts where check_id = $1', [checkId]);
    }
  });

  it('a platform admin sees why a run ended in error (interrupted with its control plane)', async () => {
    const id = randomUUID();
    const reason = `interrupted: the control plane executing it (cp-${run}:1) stopped before the run finished`;
    await superuser(
      `insert into isolation_runs (id, trigger, requested_by, status, started_at, finished_at, summary, owner) values ($1, 'schedule', 'system', 'error', now(), now(), $2, $3)`,
      [id, JSON.stringify({ error: reason, code: 'RUN_INTERRUPTED' }), `cp-${run}:1`],
    );
    const page = await sessions.open('platform-admin', '/console/isolation-runs');
    try {
      const row = page.getByTestId(`isolation-run-${id}`);
      await row.waitFor();
      expect(await row.getAttribute('data-status')).toBe('error');
      expect(await row.textContent()).toContain(`오류로 종료: ${reason}`);
      expect(await page.getByRole('button', { name: '지금 검증 실행' }).isEnabled()).toBe(true);
    } finally {
      await page.close();
      await superuser('delete from isolation_runs where id = $1', [id]);
    }
  });

  it('a platform admin previews a draft policy version against a sample request, publishes it after confirming, and sees the diff', async () => {
    const { dataPolicy } = await gql<{ dataPolicy: { version: number } }>('platform-admin', '{ dataPolicy { version } }');
    const next = dataPolicy.version + 1;
    const page = await sessions.open('platform-admin', '/console/data-policies');
    try {
      await page.getByLabel('정책 문서 (JSON)').waitFor();
      expect(JSON.parse(await page.getByLabel('정책 문서 (JSON)').inputValue()).version).toBe(next);
      await page.getByRole('button', { name: '미리보기' }).click();
      const preview = page.getByTestId('policy-preview');
      await preview.waitFor();
      // Personal credit data to a commercial cloud abroad: denied, under the draft.
      expect(await preview.locator('[data-decision]').getAttribute('data-decision')).toBe('deny');
      expect(await preview.textContent()).toContain(`정책 v${next}`);
      await screenshot(page, 'platform-admin-data-policy-preview');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      await page.getByRole('button', { name: '게시' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('사유 (감사 로그에 기록됩니다)').fill(`e2e ${run}`);
      await dialog.getByRole('button', { name: '게시' }).click();
      await page.getByTestId(`policy-version-${next}`).waitFor();
      await expect(page.getByTestId('policy-in-force').textContent()).resolves.toContain(`v${next}`);
      await page.waitForURL((url) => url.searchParams.get('to') === String(next));
      const diff = page.getByTestId('policy-diff');
      await expect(diff.locator('h2').textContent()).resolves.toContain(`→ v${next}`);
      expect(await diff.textContent()).toContain('/version');
      await screenshot(page, 'platform-admin-data-policy-published');
      const [stored] = await superuser<{ note: string }>('select note from data_policy_versions where version = $1', [next]);
      expect(stored!.note).toBe(`e2e ${run}`);
    } finally {
      await page.close();
      // Other suites expect the policy they found.
      await superuser('delete from data_policy_versions where version = $1', [next]);
    }
  });

  it('an institution admin sees its own endpoints and their health only; a platform admin sees them by institution', async () => {
    // The prober marks the reachable upstream healthy and the silent one unhealthy.
    await eventually(async () => {
      const rows = await superuser<{ name: string; health: string }>('select name, health from endpoints where name = any($1)', [[`up-${run}`, `down-${run}`]]);
      return rows.some((r) => r.name === `up-${run}` && r.health === 'healthy') && rows.some((r) => r.name === `down-${run}` && r.health === 'unhealthy');
    }, 30_000);
    const page = await sessions.open('hanbit-bank-admin', '/console/endpoints');
    try {
      await page.getByTestId('endpoints-table').waitFor();
      await expect(page.getByTestId(`endpoint-up-${run}`).getByTestId('endpoint-health').textContent()).resolves.toBe('정상');
      await expect(page.getByTestId(`endpoint-down-${run}`).getByTestId('endpoint-health').textContent()).resolves.toBe('이상');
      expect(await page.getByTestId(`endpoint-nuri-${run}`).count()).toBe(0);
      const institutions = await page
        .locator('[data-testid="endpoints-table"] tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-institution')));
      expect(new Set(institutions)).toEqual(new Set([ids['hanbit-bank']]));
      expect(await page.locator('select[name="institutionId"]').count()).toBe(0);
      await screenshot(page, 'tenant-admin-endpoints');

      // Health filter in the URL.
      await page.getByLabel('상태 점검').selectOption('unhealthy');
      await page.waitForURL((url) => url.searchParams.get('health') === 'unhealthy');
      await page.getByTestId(`endpoint-up-${run}`).waitFor({ state: 'detached' });
      await page.getByTestId(`endpoint-down-${run}`).waitFor();
    } finally {
      await page.close();
    }
    const admin = { page: await sessions.open('platform-admin', `/console/endpoints?institutionId=${ids['nuri-insurance']}`) };
    try {
      await admin.page.getByTestId(`endpoint-nuri-${run}`).waitFor();
      expect(await admin.page.getByTestId(`endpoint-up-${run}`).count()).toBe(0);
      expect(await admin.page.locator('select[name="institutionId"]').inputValue()).toBe(ids['nuri-insurance']);
    } finally {
      await admin.page.close();
    }
  });

  it('an institution admin reads and changes its own PII settings and classification floor', async () => {
    const page = await sessions.open('hanbit-bank-admin', '/console/data-settings');
    try {
      await page.getByLabel('카드번호', { exact: true }).selectOption('block');
      await page.getByRole('button', { name: '개인정보 설정 저장' }).click();
      await page.getByRole('status').filter({ hasText: '저장했습니다' }).waitFor();
      await page.locator('select[name="floor"]').selectOption('internal');
      await page.getByRole('button', { name: '하한 저장' }).click();
      await eventually(async () => {
        const data = await gql<any>('hanbit-bank-admin', '{ institutionPiiSettings { settingsJson } institutionClassificationFloor { floor } }');
        return JSON.parse(data.institutionPiiSettings.settingsJson).card?.mode === 'block' && data.institutionClassificationFloor.floor === 'internal';
      }, 10_000);
      await page.reload();
      await expect(page.getByLabel('카드번호', { exact: true }).inputValue()).resolves.toBe('block');
      await expect(page.locator('select[name="floor"]').inputValue()).resolves.toBe('internal');
      await screenshot(page, 'tenant-admin-data-settings');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    } finally {
      await page.close();
      await superuser('delete from institution_pii_settings where tenant_id = $1', [ids['hanbit-bank']]);
      await superuser('delete from institution_classification_floors where tenant_id = $1', [ids['hanbit-bank']]);
    }
  });
});
