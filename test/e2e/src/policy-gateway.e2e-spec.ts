import { randomBytes } from 'node:crypto';
import { errorCodes, graphqlRequest, userToken, withPg } from '@ai-commons/testing';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { DEFAULT_POLICY } from '@ai-commons/policy';
import { e2eDatabase, eventually, startControlPlane, startGateway } from './support/environment';
import { apiKeyHashHex, createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';
import { startCaptureUpstream, type CaptureUpstream } from './support/capture-upstream';

const superuser = <T = Record<string, any>>(sql: string, params: unknown[] = []) =>
  withPg(e2eDatabase().superuserUrl, async (pg) => (await pg.query(sql, params)).rows as T[]);

// A valid RRN (checksum) and a Luhn-valid Visa number: both masked by the default policy.
const RRN = '900101-1234568';
const CARD = '4111 1111 1111 1111';

describe('data-handling policy at the gateway (classification, endpoint hosting, PII mask/block, audit)', () => {
  let controlPlane: ControlPlane;
  let gateway: Gateway;
  let upstream: CaptureUpstream;
  let hanbitKey: string;
  let gaonKey: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    upstream = await startCaptureUpstream();
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'pol-domestic', upstreamUrl: upstream.url, upstreamModel: 'cap-model' });
    await createEndpointFixture({ tenantSlug: 'gaon-securities', name: 'pol-domestic', upstreamUrl: upstream.url, upstreamModel: 'cap-model' });
    // A commercial cloud offering abroad, reachable over the internet, confirmed by the authority.
    const foreign = await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'pol-foreign', upstreamUrl: upstream.url, upstreamModel: 'cap-model' });
    await superuser(
      `with m as (select model_id from model_offerings o join endpoints e on e.offering_id = o.id where e.id = $1),
            o as (insert into model_offerings (model_id, hosting, region, network_zone, operator, authority_confirmation_ref, authority_confirmation_expires_at)
                  select model_id, 'cloud-commercial', 'US', 'internet', 'policy tests', 'FSS-2025-001', now() + interval '1 year' from m returning id)
       update endpoints set offering_id = (select id from o) where id = $1`,
      [foreign.id],
    );
    hanbitKey = (await createApiKeyFixture('hanbit-bank')).secret;
    gaonKey = (await createApiKeyFixture('gaon-securities')).secret;
    for (const row of await superuser<{ id: string; slug: string }>('select id, slug from institutions')) ids[row.slug] = row.id;
    gateway = await startGateway();
    await eventually(
      () => gateway.routing.table().apiKey(apiKeyHashHex(hanbitKey)) !== undefined && gateway.routing.table().apiKey(apiKeyHashHex(gaonKey)) !== undefined,
    );
  });
  afterAll(async () => {
    await superuser('delete from institution_pii_settings');
    await superuser('delete from data_policy_versions');
    await gateway.close();
    await upstream.close();
    await controlPlane.close();
  });

  async function chat(key: string, model: string, content: string, headers: Record<string, string> = {}) {
    const requestId = `pol-${randomBytes(5).toString('hex')}`;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': requestId, ...headers },
      body: JSON.stringify({
        model,
        messages: [
          { role: 'system', content: '상담 요약' },
          { role: 'user', content },
        ],
      }),
    });
    return { requestId, status: response.status, body: (await response.json()) as any };
  }

  async function auditEvents(requestId: string) {
    await gateway.audit.writer.flush();
    return superuser(
      'select action, outcome, http_status, data_classification, policy_decision, details from audit_events where request_id = $1 order by seq',
      [requestId],
    );
  }

  it('masks resident registration and card numbers before the prompt goes upstream, and audits the decision', async () => {
    const before = upstream.bodies.length;
    const result = await chat(hanbitKey, 'pol-domestic', `고객 주민번호 ${RRN}, 카드 ${CARD} 결제 문의`);
    expect(result.status).toBe(200);
    const sent = upstream.bodies.slice(before);
    expect(sent).toHaveLength(1);
    const text = JSON.stringify(sent[0].messages);
    expect(text).not.toContain(RRN);
    expect(text).not.toContain(CARD);
    expect(text).toContain('900101-1******');
    expect(text).toContain('**** **** **** 1111');
    expect((sent[0].messages as { content: string }[])[0].content).toBe('상담 요약');
    const [admitted] = await auditEvents(result.requestId);
    expect(admitted).toMatchObject({ action: 'gateway.request.admitted', data_classification: 'internal', policy_decision: 'mask:pii.mask@v1 rrn×1,card×1' });
  });

  it('records promptHmac of the prompt as the caller sent it and, when masked, forwardedPromptHmac of what the model received', async () => {
    const before = upstream.bodies.length;
    const content = `주민번호 ${RRN} 조회`;
    const result = await chat(hanbitKey, 'pol-domestic', content);
    expect(result.status).toBe(200);
    const [forwarded] = upstream.bodies.slice(before);
    const asSent = [
      { role: 'system', content: '상담 요약' },
      { role: 'user', content },
    ];
    const [row] = await superuser<{ prompt_hmac: string; details: { forwardedPromptHmac?: string } }>(
      "select prompt_hmac, details from audit_events where request_id = $1 and action = 'gateway.request.admitted'",
      [result.requestId],
    );
    expect(row.prompt_hmac).toBe(gateway.audit.keys.contentHmac(ids['hanbit-bank'], JSON.stringify(asSent)));
    expect(row.details.forwardedPromptHmac).toBe(gateway.audit.keys.contentHmac(ids['hanbit-bank'], JSON.stringify(forwarded.messages)));
    expect(row.details.forwardedPromptHmac).not.toBe(row.prompt_hmac);
  });

  it('forwards a prompt without personal data unchanged and records a plain allow', async () => {
    const before = upstream.bodies.length;
    const result = await chat(hanbitKey, 'pol-domestic', '대출 상품 3종을 비교해 줘 (2024년 기준)');
    expect(result.status).toBe(200);
    expect((upstream.bodies[before].messages as { content: string }[])[1].content).toBe('대출 상품 3종을 비교해 줘 (2024년 기준)');
    const [admitted] = await auditEvents(result.requestId);
    expect(admitted).toMatchObject({ action: 'gateway.request.admitted', policy_decision: 'allow', data_classification: 'internal' });
  });

  it('denies personal credit data to a foreign endpoint with 403, the rule and why; nothing goes upstream; the denial is audited', async () => {
    const before = upstream.bodies.length;
    const result = await chat(hanbitKey, 'pol-foreign', '신용평가 요약', { 'x-data-classification': 'personal-credit' });
    expect(result.status).toBe(403);
    expect(result.body.error).toMatchObject({
      type: 'permission_error',
      code: 'data_policy_denied',
      policy: { decision: 'deny', ruleId: 'personal-credit-domestic-only', policyVersion: 1, reason: expect.stringContaining('outside the home country') },
    });
    expect(upstream.bodies.length).toBe(before);
    const events = await auditEvents(result.requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'gateway.request.rejected',
      outcome: 'denied',
      http_status: 403,
      data_classification: 'personal-credit',
      policy_decision: 'deny:personal-credit-domestic-only@v1',
      details: { code: 'data_policy_denied', classificationSource: 'header', decision: { ruleId: 'personal-credit-domestic-only', policyVersion: 1 } },
    });
  });

  it("lets internal data go to the confirmed foreign cloud endpoint (the matrix is the policy lib's; this is the wiring)", async () => {
    const result = await chat(hanbitKey, 'pol-foreign', '공개 보도자료 요약', { 'x-data-classification': 'internal' });
    expect(result.status).toBe(200);
  });

  it("caps the classification at the institution's ceiling (gaon-securities: internal)", async () => {
    const result = await chat(gaonKey, 'pol-domestic', '내부 보고서', { 'x-data-classification': 'confidential' });
    expect(result.status).toBe(403);
    expect(result.body.error.policy).toMatchObject({ decision: 'deny', ruleId: 'classification-above-ceiling' });
    expect((await chat(gaonKey, 'pol-domestic', '내부 보고서', { 'x-data-classification': 'internal' })).status).toBe(200);
  });

  it('refuses an unknown classification label instead of falling back to the default, and audits it', async () => {
    const result = await chat(hanbitKey, 'pol-domestic', 'hello', { 'x-data-classification': 'secret-ish' });
    expect(result.status).toBe(400);
    expect(result.body.error).toMatchObject({ code: 'unknown_data_classification', param: 'x-data-classification' });
    const [event] = await auditEvents(result.requestId);
    expect(event).toMatchObject({ action: 'gateway.request.rejected', outcome: 'denied', policy_decision: 'deny:unknown-classification' });
  });

  it('blocks card numbers for an institution whose setting says block (reloaded by NOTIFY, no restart)', async () => {
    await superuser(`insert into institution_pii_settings (tenant_id, settings, updated_by) values ($1, $2, 'tests')`, [
      ids['gaon-securities'],
      JSON.stringify({ card: { mode: 'block' } }),
    ]);
    await eventually(() => gateway.policy.snapshot().piiSettings.has(ids['gaon-securities']));
    const before = upstream.bodies.length;
    const blocked = await chat(gaonKey, 'pol-domestic', `카드 ${CARD} 한도 조회`);
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.policy).toMatchObject({ decision: 'deny', ruleId: 'pii.block', findings: [{ detector: 'card', count: 1 }] });
    expect(JSON.stringify(blocked.body)).not.toContain('4111');
    expect(upstream.bodies.length).toBe(before);
    // Another institution's setting is untouched: hanbit's card numbers are still masked, not blocked.
    expect((await chat(hanbitKey, 'pol-domestic', `카드 ${CARD} 한도 조회`)).status).toBe(200);
  });

  describe('the classification can only go up: the key default and the institution floor are floors', () => {
    const SET_FLOOR =
      'mutation($floor: DataClassification, $id: ID) { setInstitutionClassificationFloor(floor: $floor, institutionId: $id) { institutionId floor } }';
    const gql = async (user: string, query: string, variables: Record<string, unknown>) =>
      graphqlRequest<any>(controlPlane.url, query, { token: await userToken(user), variables });

    it('a key whose default is personal-credit cannot send its data as public: 403 data_policy_denied with the decision record, nothing upstream, audited', async () => {
      const creditKey = (await createApiKeyFixture('hanbit-bank', { defaultClassification: 'personal-credit' })).secret;
      await eventually(() => gateway.routing.table().apiKey(apiKeyHashHex(creditKey)) !== undefined);
      const before = upstream.bodies.length;
      for (const lower of ['public', 'internal', 'confidential', ' PUBLIC ']) {
        const result = await chat(creditKey, 'pol-foreign', '신용평가 요약', { 'x-data-classification': lower });
        expect(result.status).toBe(403);
        expect(result.body.error).toMatchObject({
          type: 'permission_error',
          code: 'data_policy_denied',
          policy: {
            decision: 'deny',
            ruleId: 'classification-below-floor',
            findings: [],
            reason: expect.stringContaining("API key's default 'personal-credit'"),
          },
        });
        const events = await auditEvents(result.requestId);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          action: 'gateway.request.rejected',
          outcome: 'denied',
          http_status: 403,
          data_classification: lower.trim().toLowerCase(),
          policy_decision: expect.stringMatching(/^deny:classification-below-floor@v\d+$/),
          details: { code: 'data_policy_denied', floor: 'personal-credit', floorSource: 'api-key-default', decision: { ruleId: 'classification-below-floor' } },
        });
      }
      expect(upstream.bodies.length).toBe(before);
      // Raising is fine: an internal key may label a request personal-credit (to a domestic endpoint).
      expect((await chat(hanbitKey, 'pol-domestic', '신용평가 요약', { 'x-data-classification': 'personal-credit' })).status).toBe(200);
    });

    it("an institution's floor (set over GraphQL by its admin) binds all its keys; a lower header is denied", async () => {
      const set = await gql('hanbit-bank-admin', SET_FLOOR, { floor: 'confidential' });
      expect(set.data.setInstitutionClassificationFloor).toEqual({ institutionId: ids['hanbit-bank'], floor: 'confidential' });
      await eventually(() => gateway.routing.table().institution(ids['hanbit-bank'])?.dataClassificationFloor === 'confidential');
      try {
        // No header: the request carries the floor, not the key's lower default (internal).
        const unlabelled = await chat(hanbitKey, 'pol-domestic', '내부 보고서');
        expect(unlabelled.status).toBe(200);
        expect((await auditEvents(unlabelled.requestId))[0]).toMatchObject({ action: 'gateway.request.admitted', data_classification: 'confidential' });
        const lowered = await chat(hanbitKey, 'pol-foreign', '내부 보고서', { 'x-data-classification': 'internal' });
        expect(lowered.status).toBe(403);
        expect(lowered.body.error.policy).toMatchObject({
          ruleId: 'classification-below-floor',
          reason: expect.stringContaining("institution's floor 'confidential'"),
        });
        expect((await auditEvents(lowered.requestId))[0]).toMatchObject({ details: { floor: 'confidential', floorSource: 'institution-floor' } });
        // Other institutions are untouched.
        const gaon = await chat(gaonKey, 'pol-domestic', '내부 보고서');
        expect((await auditEvents(gaon.requestId))[0]).toMatchObject({ action: 'gateway.request.admitted', data_classification: 'internal' });
      } finally {
        expect((await gql('hanbit-bank-admin', SET_FLOOR, { floor: null })).data.setInstitutionClassificationFloor.floor).toBeNull();
        await eventually(() => gateway.routing.table().institution(ids['hanbit-bank'])?.dataClassificationFloor === null);
      }
      expect((await chat(hanbitKey, 'pol-foreign', '공개 자료', { 'x-data-classification': 'internal' })).status).toBe(200);
      const [audited] = await superuser(
        "select details from audit_events where action = 'data-policy.classification-floor.set' and tenant_id = $1 and details->>'floor' = 'confidential' order by occurred_at desc limit 1",
        [ids['hanbit-bank']],
      );
      expect(audited.details).toMatchObject({ floor: 'confidential', ceiling: 'personal-credit' });
    });

    it('refuses a floor above the ceiling, a malformed institution id, and another institution', async () => {
      expect(errorCodes(await gql('platform-admin', SET_FLOOR, { floor: 'confidential', id: ids['gaon-securities'] }))).toEqual([
        { code: 'BAD_USER_INPUT', reason: 'CLASSIFICATION_FLOOR_ABOVE_CEILING' },
      ]);
      expect(errorCodes(await gql('platform-admin', SET_FLOOR, { floor: 'internal', id: 'not-a-uuid' }))).toEqual([
        { code: 'BAD_USER_INPUT', reason: 'INVALID_ID' },
      ]);
      expect(errorCodes(await gql('platform-admin', SET_FLOOR, { floor: 'internal', id: '00000000-0000-4000-8000-000000000000' }))).toEqual([
        { code: 'BAD_USER_INPUT', reason: 'INVALID_INSTITUTION_ID' },
      ]);
      expect(errorCodes(await gql('hanbit-bank-admin', SET_FLOOR, { floor: 'internal', id: ids['nuri-insurance'] }))).toEqual([
        { code: 'FORBIDDEN', reason: 'TENANT_SCOPE_REQUIRED' },
      ]);
      expect(errorCodes(await gql('hanbit-bank-analyst', SET_FLOOR, { floor: 'internal' }))).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
    });
  });

  it('applies a newly published policy version without a restart, and records its version', async () => {
    const next = {
      ...DEFAULT_POLICY,
      version: 2,
      rules: [
        {
          id: 'no-confidential-to-cloud',
          effect: 'deny',
          when: { classification: ['confidential', 'personal-credit'], hosting: ['cloud-commercial'] },
          reason: 'confidential data stays on consortium infrastructure',
        },
        ...DEFAULT_POLICY.rules,
      ],
    };
    await superuser(`insert into data_policy_versions (policy_id, version, document, published_by) values ($1, 2, $2, 'tests')`, [
      DEFAULT_POLICY.policyId,
      JSON.stringify(next),
    ]);
    await eventually(() => gateway.policy.snapshot().policy.version === 2);
    const result = await chat(hanbitKey, 'pol-foreign', '내부 자료', { 'x-data-classification': 'confidential' });
    expect(result.status).toBe(403);
    expect(result.body.error.policy).toMatchObject({ ruleId: 'no-confidential-to-cloud', policyVersion: 2 });
  });
});
