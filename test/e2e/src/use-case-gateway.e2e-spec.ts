import OpenAI from 'openai';
import { randomBytes } from 'node:crypto';
import { serviceToken, userToken, withPg } from '@ai-commons/testing';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { e2eDatabase, eventually, startControlPlane, startGateway } from './support/environment';
import { apiKeyHashHex, createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';
import { startCaptureUpstream, type CaptureUpstream } from './support/capture-upstream';
import { CatalogClient, unique } from './catalog-fixtures';

const superuser = <T = Record<string, any>>(sql: string, params: unknown[] = []) =>
  withPg(e2eDatabase().superuserUrl, async (pg) => (await pg.query(sql, params)).rows as T[]);

const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();

describe('use-case enforcement at the gateway (official openai client)', () => {
  let controlPlane: ControlPlane;
  let gateway: Gateway;
  let upstream: CaptureUpstream;
  const gql = new CatalogClient(() => controlPlane.url);
  let hanbitId: string;
  let allowedEndpoint: string;
  const keys: Record<string, string> = {};
  const useCases: Record<string, string> = {};

  const setMode = (mode: 'enforce' | 'report_only') =>
    gql.ok('platform-admin', `mutation($i: ID!, $m: UseCaseEnforcementMode!) { setUseCaseEnforcement(institutionId: $i, mode: $m) }`, { i: hanbitId, m: mode });

  async function declare(label: string, outcome: 'submitted' | 'approved', endpointIds: string[], ceiling = 'internal'): Promise<string> {
    const { id } = (
      await gql.ok('hanbit-bank-admin', `mutation($input: UseCaseDeclarationInput!) { createUseCase(input: $input) { id } }`, {
        input: {
          name: unique(label),
          purpose: '게이트웨이 집행 시험',
          businessProcess: label,
          dataClassificationCeiling: ceiling,
          endpointIds,
          riskTier: 'low',
          highImpact: false,
          humanOversight: '담당자 검토',
          owner: '디지털혁신팀',
          contact: 'ai@hanbit.example',
        },
      })
    ).createUseCase;
    await gql.ok('hanbit-bank-admin', `mutation($id: ID!) { submitUseCase(id: $id) { id } }`, { id });
    if (outcome === 'approved') {
      await gql.ok('regulator', `mutation($id: ID!, $a: UseCaseApprovalInput!) { approveUseCase(id: $id, approval: $a) { id } }`, {
        id,
        a: { reference: unique('FSC'), conditions: '시험 조건', validUntil: inAYear() },
      });
    }
    return id;
  }

  async function keyFor(useCaseId: string): Promise<string> {
    const created = await gql.ok('hanbit-bank-admin', `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { useCaseId } } }`, {
      input: { name: unique('uc-key'), useCaseId, defaultClassification: 'internal' },
    });
    expect(created.createApiKey.apiKey.useCaseId).toBe(useCaseId);
    return created.createApiKey.secret;
  }

  const client = (apiKey: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });

  async function call(apiKey: string, model = 'uc-allowed', headers: Record<string, string> = {}) {
    const requestId = `uc-${randomBytes(5).toString('hex')}`;
    try {
      const answer = await client(apiKey).chat.completions.create(
        { model, messages: [{ role: 'user', content: '요약해 주세요' }] },
        { headers: { 'x-request-id': requestId, ...headers } },
      );
      return { requestId, status: 200, answer, error: undefined as any };
    } catch (error) {
      const e = error as InstanceType<typeof OpenAI.APIError>;
      return { requestId, status: e.status, answer: undefined, error: e.error as any };
    }
  }

  async function auditOf(requestId: string) {
    await gateway.audit.writer.flush();
    return superuser('select action, outcome, http_status, policy_decision, details from audit_events where request_id = $1 order by seq', [requestId]);
  }

  const loaded = (id: string, state?: string) =>
    eventually(() => (state ? gateway.useCases.snapshot().useCases.get(id)?.state === state : gateway.useCases.snapshot().useCases.has(id)));

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    upstream = await startCaptureUpstream();
    const allowed = await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'uc-allowed', upstreamUrl: upstream.url, upstreamModel: 'cap-model' });
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'uc-other', upstreamUrl: upstream.url, upstreamModel: 'cap-model' });
    allowedEndpoint = allowed.id;
    hanbitId = allowed.tenantId;
    gateway = await startGateway();
    useCases.approved = await declare('approved', 'approved', [allowedEndpoint]);
    useCases.submitted = await declare('submitted', 'submitted', [allowedEndpoint]);
    useCases.expired = await declare('expired', 'approved', [allowedEndpoint]);
    for (const name of Object.keys(useCases)) keys[name] = await keyFor(useCases[name]);
    // An existing key from before the register: bound to nothing.
    keys.unbound = (await createApiKeyFixture('hanbit-bank')).secret;
    // The approval of `expired` reached the end of its validity (only a review may touch it: done as one, below the API).
    await withPg(e2eDatabase().superuserUrl, (pg) =>
      pg.query(`begin; select set_config('app.cross_tenant', 'review', true);
        update use_cases set valid_from = now() - interval '2 days', valid_until = now() - interval '1 second' where id = '${useCases.expired}'; commit;`),
    );
    await setMode('enforce');
    await eventually(() => Object.values(keys).every((key) => gateway.routing.table().apiKey(apiKeyHashHex(key)) !== undefined));
    await eventually(() => gateway.useCases.snapshot().modes.get(hanbitId) === 'enforce' && gateway.useCases.snapshot().apiKeyUseCases.size >= 3);
    await loaded(useCases.approved);
  });
  afterAll(async () => {
    await setMode('report_only');
    await gateway.close();
    await upstream.close();
    await controlPlane.close();
  });

  it('serves an approved use case on its endpoint within its ceiling; audit and usage carry the use case', async () => {
    const result = await call(keys.approved);
    expect(result.status).toBe(200);
    const events = await auditOf(result.requestId);
    expect(events.map((event) => [event.action, event.details.useCaseId, event.details.useCaseDecision])).toEqual([
      ['gateway.request.admitted', useCases.approved, 'allow'],
      ['gateway.request.completed', useCases.approved, 'allow'],
    ]);
    await gateway.usage.flush();
    const [usage] = await superuser('select use_case_id from usage_records where request_id = $1', [result.requestId]);
    expect(usage.use_case_id).toBe(useCases.approved);
  });

  it.each([
    ['submitted only', 'submitted', 'uc-allowed', {}, 'submitted', 'not_approved'],
    ['expired', 'expired', 'uc-allowed', {}, 'approved', 'approval_expired'],
    ['endpoint outside the set', 'approved', 'uc-other', {}, 'approved', 'endpoint_not_allowed'],
    ['classification above the ceiling', 'approved', 'uc-allowed', { 'x-data-classification': 'confidential' }, 'approved', 'classification_above_ceiling'],
    ['bound to no use case', 'unbound', 'uc-allowed', {}, null, 'unbound'],
  ])('refuses %s: 403 use_case_not_approved with id, state and reason, audited as a refusal', async (_label, key, model, headers, state, reason) => {
    const before = upstream.bodies.length;
    const result = await call(keys[key], model, headers as Record<string, string>);
    expect(result.status).toBe(403);
    const useCaseId = useCases[key] ?? null;
    expect(result.error).toMatchObject({ code: 'use_case_not_approved', type: 'permission_error', use_case: { id: useCaseId, state, reason } });
    expect(upstream.bodies.length).toBe(before);
    const events = await auditOf(result.requestId);
    expect(events).toEqual([
      expect.objectContaining({
        action: 'gateway.request.rejected',
        outcome: 'denied',
        http_status: 403,
        policy_decision: 'deny:use_case_not_approved',
        details: expect.objectContaining({ useCaseId, useCaseReason: reason }),
      }),
    ]);
  });

  it('a request refused earlier in the chain (data policy) carries its use case too', async () => {
    const result = await call(keys.approved, 'uc-allowed', { 'x-data-classification': 'top-secret' });
    expect(result.status).toBe(400);
    expect(result.error.code).toBe('unknown_data_classification');
    const [refused] = await auditOf(result.requestId);
    expect(refused).toMatchObject({ action: 'gateway.request.rejected', details: expect.objectContaining({ useCaseId: useCases.approved }) });
  });

  it('readiness reports the register (a register that stops reloading would make the gateway not ready)', async () => {
    const response = await fetch(`${gateway.url}/health/ready`, { headers: { authorization: `Bearer ${await userToken('platform-admin')}` } });
    const body = (await response.json()) as any;
    expect(body.checks.useCases).toMatchObject({ status: 'up' });
    expect(body.checks.useCases.useCases).toBeGreaterThanOrEqual(3);
  });

  it('a suspension takes effect within a second; reinstating serves again', async () => {
    const suspendedAt = Date.now();
    await gql.ok('regulator', `mutation($id: ID!) { suspendUseCase(id: $id, comment: "점검 중 이상 발견") { state } }`, { id: useCases.approved });
    await eventually(async () => (await call(keys.approved)).status === 403, 1000);
    expect(Date.now() - suspendedAt).toBeLessThan(1000);
    const refused = await call(keys.approved);
    expect(refused.error.use_case).toEqual({ id: useCases.approved, state: 'suspended', reason: 'not_approved' });
    await gql.ok('regulator', `mutation($id: ID!) { reinstateUseCase(id: $id, comment: "조치 완료 확인") { state } }`, { id: useCases.approved });
    await eventually(async () => (await call(keys.approved)).status === 200, 1000);
  });

  it('a service account is served under the use case its institution bound it to', async () => {
    const token = await serviceToken('svc-hanbit-bank');
    const bind = (useCaseId: string) =>
      gql.ok('hanbit-bank-admin', `mutation($u: ID!) { bindServiceAccountToUseCase(clientId: "svc-hanbit-bank", useCaseId: $u) { clientId } }`, {
        u: useCaseId,
      });
    await bind(useCases.submitted);
    await eventually(async () => (await call(token)).error?.use_case?.id === useCases.submitted, 2000);
    expect((await call(token)).error.use_case).toEqual({ id: useCases.submitted, state: 'submitted', reason: 'not_approved' });
    await bind(useCases.approved);
    await eventually(async () => (await call(token)).status === 200, 2000);
    const listed = (
      await gql.ok('hanbit-bank-admin', `{ serviceAccountUseCaseBindings(first: 50) { edges { node { institutionId clientId useCaseId } } } }`)
    ).serviceAccountUseCaseBindings.edges.map((edge: any) => edge.node);
    expect(listed).toContainEqual({ institutionId: hanbitId, clientId: 'svc-hanbit-bank', useCaseId: useCases.approved });
    expect(listed.every((binding: any) => binding.institutionId === hanbitId)).toBe(true);
    expect(
      (await gql.ok('hanbit-bank-admin', `mutation { unbindServiceAccountFromUseCase(clientId: "svc-hanbit-bank") }`)).unbindServiceAccountFromUseCase,
    ).toBe(true);
    await eventually(async () => (await call(token)).error?.use_case?.reason === 'unbound', 2000);
    await bind(useCases.approved);
  });

  it('once enforced, a key cannot be created without a use case', async () => {
    const response = await gql.gql('hanbit-bank-admin', `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, {
      input: { name: unique('no-uc') },
    });
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'USE_CASE_REQUIRED' });
  });

  it('the use case shows its usage: requests, tokens, refusals by reason, last use', async () => {
    await gateway.usage.flush();
    await gateway.audit.writer.flush();
    const usage = (
      await gql.ok('regulator', `query($id: ID!) { useCase(id: $id) { usage { requests promptTokens lastUsedAt refusalsByReason { reason count } } } }`, {
        id: useCases.approved,
      })
    ).useCase.usage;
    expect(usage.requests).toBeGreaterThan(0);
    expect(usage.lastUsedAt).not.toBeNull();
    expect(usage.refusalsByReason.map((entry: any) => entry.reason)).toEqual(
      expect.arrayContaining(['endpoint_not_allowed', 'classification_above_ceiling', 'not_approved']),
    );
  });

  it('usage reports group by use case', async () => {
    await gateway.usage.flush();
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const rows = (
      await gql.ok(
        'hanbit-bank-analyst',
        `query($f: DateTime!, $t: DateTime!) { useCaseUsageReport(from: $f, to: $t) { institutionId useCaseId useCaseName requests } }`,
        { f: from, t: to },
      )
    ).useCaseUsageReport;
    expect(rows.every((row: any) => row.institutionId === hanbitId)).toBe(true);
    expect(rows.find((row: any) => row.useCaseId === useCases.approved)?.requests).toBeGreaterThan(0);
  });

  it('report-only mode serves, and the decision record says what enforcement would have done', async () => {
    await setMode('report_only');
    await eventually(() => gateway.useCases.snapshot().modes.get(hanbitId) === 'report-only');
    for (const [key, decision] of [
      ['submitted', 'report-only:not_approved'],
      ['unbound', 'report-only:unbound'],
      ['approved', 'allow'],
    ] as const) {
      const result = await call(keys[key]);
      expect(result.status).toBe(200);
      const [admitted] = await auditOf(result.requestId);
      expect(admitted.details).toMatchObject({ useCaseId: useCases[key] ?? null, useCaseDecision: decision });
    }
    await setMode('enforce');
    await eventually(() => gateway.useCases.snapshot().modes.get(hanbitId) === 'enforce');
  });
});
