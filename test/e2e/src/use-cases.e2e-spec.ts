import { createPublicKey, verify } from 'node:crypto';
import { canonicalBytes } from '@ai-commons/audit-proofs';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { UseCaseExpirySweep } from '@ai-commons/use-cases';
import { withPg } from '@ai-commons/testing';
import { e2eDatabase } from './support/environment';
import { CatalogClient, institutionIds, startCatalogControlPlane, superuserQuery, unique, type Caller } from './catalog-fixtures';

const FIELDS =
  'id institutionId name state latestVersion servingVersion revisionState riskTier highImpact dataClassificationCeiling endpointIds approval { reference conditions validUntil approvedBy }';
const CREATE = `mutation($input: UseCaseDeclarationInput!) { createUseCase(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UseCaseDeclarationInput!) { updateUseCase(id: $id, input: $input) { ${FIELDS} } }`;
const SUBMIT = `mutation($id: ID!) { submitUseCase(id: $id, comment: "please review") { ${FIELDS} } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawUseCase(id: $id, comment: "no longer needed") { ${FIELDS} } }`;
const APPROVE = `mutation($id: ID!, $approval: UseCaseApprovalInput!) { approveUseCase(id: $id, approval: $approval, comment: "designated") { ${FIELDS} } }`;
const decision = (name: string) => `mutation($id: ID!) { ${name}(id: $id, comment: "review decision") { ${FIELDS} } }`;
const GET = `query($id: ID!) { useCase(id: $id) { ${FIELDS} versions { edges { node { version state decidedBy } } } history { edges { node { action fromState toState actorSubject actorRole comment } } } usage { requests refusalsByReason { reason count } } auditEvents(first: 20) { edges { node { action outcome detailsJson } } } } }`;

const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();

describe('AI use-case register over GraphQL', () => {
  let controlPlane: ControlPlane;
  const client = new CatalogClient(() => controlPlane.url);
  let ids: Record<string, string>;
  let hanbitEndpoints: string[];

  beforeAll(async () => {
    controlPlane = await startCatalogControlPlane();
    ids = await institutionIds();
    hanbitEndpoints = (await superuserQuery(`select id from endpoints where tenant_id = $1 and state <> 'retired' order by name`, [ids['hanbit-bank']])).map(
      (row) => row.id,
    );
  });
  afterAll(() => controlPlane.close());

  const declaration = (overrides: Record<string, unknown> = {}) => ({
    name: unique('여신 심사 보조'),
    purpose: '여신 심사 담당자가 신청서와 재무제표를 요약해 검토하도록 돕는다',
    businessProcess: '여신 심사 보조',
    dataClassificationCeiling: 'confidential',
    endpointIds: [hanbitEndpoints[0]],
    riskTier: 'high',
    highImpact: true,
    humanOversight: '모든 결과는 심사역이 검토 후 결정',
    owner: '여신심사부',
    contact: 'credit-ai@hanbit.example',
    ...overrides,
  });
  const create = async (overrides: Record<string, unknown> = {}) =>
    (await client.ok('hanbit-bank-admin', CREATE, { input: declaration(overrides) })).createUseCase;
  const submitted = async () => (await client.ok('hanbit-bank-admin', SUBMIT, { id: (await create()).id })).submitUseCase;
  const approved = async () =>
    (
      await client.ok('regulator', APPROVE, {
        id: (await submitted()).id,
        approval: { reference: unique('FSC-2026'), conditions: '월 1회 점검 보고', validUntil: inAYear() },
      })
    ).approveUseCase;
  const reasonOf = (response: any) => ({ code: response.errors?.[0]?.extensions?.code, reason: response.errors?.[0]?.extensions?.reason });

  it('a tenant admin declares, submits; a regulator approves with reference, conditions and validity; history and audit have every step', async () => {
    const draft = await create();
    expect(draft).toMatchObject({ state: 'draft', latestVersion: 1, servingVersion: null, approval: null, institutionId: ids['hanbit-bank'] });
    await client.ok('hanbit-bank-admin', SUBMIT, { id: draft.id });
    const reference = unique('FSC-2026');
    const result = (await client.ok('regulator', APPROVE, { id: draft.id, approval: { reference, conditions: '월 1회 점검 보고', validUntil: inAYear() } }))
      .approveUseCase;
    expect(result).toMatchObject({ state: 'approved', servingVersion: 1, approval: { reference, conditions: '월 1회 점검 보고' } });
    const full = (await client.ok('hanbit-bank-analyst', GET, { id: draft.id })).useCase;
    const history = full.history.edges.map((edge: any) => edge.node);
    expect(history.map((entry: any) => [entry.action, entry.toState, entry.actorRole])).toEqual([
      ['create', 'draft', 'tenant-admin'],
      ['submit', 'submitted', 'tenant-admin'],
      ['approve', 'approved', 'regulator'],
    ]);
    expect(history[2].comment).toBe('designated');
    expect(full.versions.edges.map((edge: any) => edge.node)).toEqual([{ version: 1, state: 'approved', decidedBy: expect.any(String) }]);
    expect(full.auditEvents.edges.map((edge: any) => edge.node.action)).toEqual(['use-case.approve', 'use-case.submit', 'use-case.create']);
    // Pages: one entry at a time, in order, to the end.
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = (
        await client.ok(
          'regulator',
          `query($id: ID!, $after: String) { useCase(id: $id) { history(first: 1, after: $after) { edges { node { action } } pageInfo { hasNextPage endCursor } } } }`,
          { id: draft.id, after },
        )
      ).useCase.history;
      seen.push(...page.edges.map((edge: any) => edge.node.action));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(['create', 'submit', 'approve']);
    const audited = await superuserQuery(
      `select action, outcome, details from audit_events where resource_type = 'use-case' and resource_id = $1 order by seq`,
      [draft.id],
    );
    expect(audited.map((row) => row.action)).toEqual(['use-case.create', 'use-case.submit', 'use-case.approve']);
    expect(audited.every((row) => row.details.useCaseId === draft.id)).toBe(true);
    // The regulator's write ran in the review mode, audited as cross-tenant access.
    const review = await superuserQuery(
      `select count(*)::int as n from audit_events where action = 'cross-tenant.access' and details ->> 'access' = 'review' and details ->> 'reason' like $1`,
      [`approve use case ${draft.id}%`],
    );
    expect(review[0].n).toBe(1);
  });

  it.each([
    ['requestUseCaseChanges', 'changes_requested'],
    ['rejectUseCase', 'rejected'],
  ])('a regulator may %s a submitted use case', async (mutation, state) => {
    const { id } = await submitted();
    expect((await client.ok('regulator', decision(mutation), { id }))[mutation].state).toBe(state);
  });

  it('suspend → reinstate by the regulator', async () => {
    const { id } = await approved();
    expect((await client.ok('regulator', decision('suspendUseCase'), { id })).suspendUseCase.state).toBe('suspended');
    expect((await client.ok('regulator', decision('reinstateUseCase'), { id })).reinstateUseCase.state).toBe('approved');
  });

  it('withdrawn by the institution', async () => {
    const { id } = await approved();
    expect((await client.ok('hanbit-bank-admin', WITHDRAW, { id })).withdrawUseCase.state).toBe('withdrawn');
  });

  it('a material change of an approved use case opens version 2 for review; version 1 keeps serving until the decision', async () => {
    const { id } = await approved();
    const edited = (await client.ok('hanbit-bank-admin', UPDATE, { id, input: { dataClassificationCeiling: 'internal' } })).updateUseCase;
    expect(edited).toMatchObject({ state: 'approved', servingVersion: 1, latestVersion: 2, revisionState: 'draft' });
    const nonMaterial = (await client.ok('hanbit-bank-admin', UPDATE, { id, input: { contact: 'ai-desk@hanbit.example' } })).updateUseCase;
    expect(nonMaterial).toMatchObject({ latestVersion: 2, revisionState: 'draft' });
    await client.ok('hanbit-bank-admin', SUBMIT, { id });
    const queue = await client.ok('regulator', `{ useCaseReviewQueue(first: 100) { edges { node { id revisionState } } } }`);
    expect(queue.useCaseReviewQueue.edges.map((edge: any) => edge.node.id)).toContain(id);
    const after = (await client.ok('regulator', APPROVE, { id, approval: { reference: unique('FSC-2026'), validUntil: inAYear() } })).approveUseCase;
    expect(after).toMatchObject({ state: 'approved', servingVersion: 2, revisionState: null });
    const versions = (await client.ok('regulator', GET, { id })).useCase.versions.edges.map((edge: any) => edge.node);
    expect(versions.map((version: any) => [version.version, version.state])).toEqual([
      [2, 'approved'],
      [1, 'superseded'],
    ]);
  });

  describe('refused roles', () => {
    const cases: [string, Caller, () => Promise<{ query: string; variables: Record<string, unknown> }>, string, string][] = [
      [
        'a platform admin approves',
        'platform-admin',
        async () => ({ query: APPROVE, variables: { id: (await submitted()).id, approval: { reference: 'X-1', validUntil: inAYear() } } }),
        'FORBIDDEN',
        'SEPARATION_OF_DUTIES',
      ],
      [
        'a platform admin suspends',
        'platform-admin',
        async () => ({ query: decision('suspendUseCase'), variables: { id: (await approved()).id } }),
        'FORBIDDEN',
        'SEPARATION_OF_DUTIES',
      ],
      [
        'a tenant admin approves its own',
        'hanbit-bank-admin',
        async () => ({ query: APPROVE, variables: { id: (await submitted()).id, approval: { reference: 'X-1', validUntil: inAYear() } } }),
        'FORBIDDEN',
        '',
      ],
      ['a tenant member submits', 'hanbit-bank-analyst', async () => ({ query: SUBMIT, variables: { id: (await create()).id } }), 'FORBIDDEN', ''],
      ['a regulator submits', 'regulator', async () => ({ query: SUBMIT, variables: { id: (await create()).id } }), 'FORBIDDEN', ''],
      [
        'another institution’s admin submits',
        'nuri-insurance-admin',
        async () => ({ query: SUBMIT, variables: { id: (await create()).id } }),
        'NOT_FOUND',
        'USE_CASE_NOT_FOUND',
      ],
      [
        'another institution’s admin withdraws',
        'nuri-insurance-admin',
        async () => ({ query: WITHDRAW, variables: { id: (await approved()).id } }),
        'NOT_FOUND',
        'USE_CASE_NOT_FOUND',
      ],
      [
        'a regulator approves a draft',
        'regulator',
        async () => ({ query: APPROVE, variables: { id: (await create()).id, approval: { reference: 'X-1', validUntil: inAYear() } } }),
        'CONFLICT',
        'NOTHING_TO_REVIEW',
      ],
      [
        'a regulator reinstates an approved one',
        'regulator',
        async () => ({ query: decision('reinstateUseCase'), variables: { id: (await approved()).id } }),
        'CONFLICT',
        'ILLEGAL_USE_CASE_TRANSITION',
      ],
      [
        'a regulator approves with a past validity',
        'regulator',
        async () => ({
          query: APPROVE,
          variables: { id: (await submitted()).id, approval: { reference: 'X-1', validUntil: new Date(Date.now() - 1000).toISOString() } },
        }),
        'BAD_USER_INPUT',
        'INVALID_VALIDITY',
      ],
      [
        'a tenant admin submits twice',
        'hanbit-bank-admin',
        async () => ({ query: SUBMIT, variables: { id: (await submitted()).id } }),
        'CONFLICT',
        'ILLEGAL_USE_CASE_TRANSITION',
      ],
      [
        'a tenant admin edits a submitted one',
        'hanbit-bank-admin',
        async () => ({ query: UPDATE, variables: { id: (await submitted()).id, input: { purpose: '바뀐 목적입니다' } } }),
        'CONFLICT',
        'REVISION_UNDER_REVIEW',
      ],
    ];
    it.each(cases)('%s', async (_label, caller, build, code, reason) => {
      const { query, variables } = await build();
      const refused = reasonOf(await client.gql(caller, query, variables));
      expect(refused.code).toBe(code);
      if (reason) expect(refused.reason).toBe(reason);
      // Nothing was decided: no history entry by anyone but the institution's admin.
      const entries = await superuserQuery(`select actor_role from use_case_history where use_case_id = $1 and action not in ('create', 'submit')`, [
        variables.id,
      ]);
      const approvedBefore = _label.includes('suspends') || _label.includes('withdraws') || _label.includes('reinstates');
      if (!approvedBefore) expect(entries).toEqual([]);
      if (reason === 'SEPARATION_OF_DUTIES') {
        const denied = await superuserQuery(`select details from audit_events where resource_id = $1 and outcome = 'denied'`, [variables.id]);
        expect(denied).toEqual([{ details: expect.objectContaining({ code: 'SEPARATION_OF_DUTIES', useCaseId: variables.id }) }]);
      }
    });
  });

  it('the database itself refuses an approval outside a review (separation of duties below the API)', async () => {
    const { id } = await submitted();
    const attempt = superuserQuery(
      `with s as (select set_config('app.cross_tenant', 'admin', false)) update use_cases set state = 'approved', serving_version = 1, approval_reference = 'X', valid_until = now() + interval '1 day' from s where id = $1`,
      [id],
    );
    await expect(attempt).rejects.toThrow(/only a regulator's review/);
  });

  it.each([
    ['malformed id', 'query { useCase(id: "not-a-uuid") { id } }', 'INVALID_ID'],
    ['malformed institution filter', 'query { useCases(institutionId: "x") { edges { node { id } } } }', 'INVALID_ID'],
    ['negative expiring window', 'query { useCases(expiringWithinDays: -1) { edges { node { id } } } }', 'INVALID_FILTER'],
    // A well-formed cursor (base64url JSON) that this server never issued: bad input, not a SQL error.
    [
      'forged list cursor',
      `query { useCases(after: "${Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url')}") { edges { node { id } } } }`,
      'INVALID_CURSOR',
    ],
  ])('%s is BAD_USER_INPUT', async (_label, query, reason) => {
    expect(reasonOf(await client.gql('regulator', query))).toEqual({ code: 'BAD_USER_INPUT', reason });
  });

  it("declaration validation: high impact needs the high tier; endpoints must be the institution's own; ceiling within the institution's", async () => {
    expect(reasonOf(await client.gql('hanbit-bank-admin', CREATE, { input: declaration({ riskTier: 'medium' }) }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'HIGH_IMPACT_NEEDS_HIGH_TIER',
    });
    const nuriEndpoint = (await superuserQuery(`select id from endpoints where tenant_id = $1 limit 1`, [ids['nuri-insurance']]))[0].id;
    expect(reasonOf(await client.gql('hanbit-bank-admin', CREATE, { input: declaration({ endpointIds: [nuriEndpoint] }) }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'UNKNOWN_ENDPOINT',
    });
    expect(reasonOf(await client.gql('hanbit-bank-admin', CREATE, { input: declaration({ name: '  ' }) }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_TEXT_FIELD',
    });
    const taken = await create();
    expect(reasonOf(await client.gql('hanbit-bank-admin', CREATE, { input: declaration({ name: taken.name }) }))).toEqual({
      code: 'CONFLICT',
      reason: 'USE_CASE_NAME_TAKEN',
    });
    const other = await create();
    expect(reasonOf(await client.gql('hanbit-bank-admin', UPDATE, { id: other.id, input: { name: taken.name } }))).toEqual({
      code: 'CONFLICT',
      reason: 'USE_CASE_NAME_TAKEN',
    });
    expect(reasonOf(await client.gql('hanbit-bank-admin', UPDATE, { id: other.id, input: {} }))).toEqual({ code: 'BAD_USER_INPUT', reason: 'EMPTY_UPDATE' });
    expect(reasonOf(await client.gql('hanbit-bank-admin', CREATE, { input: declaration({ endpointIds: ['not-a-uuid'] }) }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_ID',
    });
    expect(reasonOf(await client.gql('hanbit-bank-admin', CREATE, { input: declaration({ endpointIds: [] }) }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_ENDPOINTS',
    });
    expect(reasonOf(await client.gql('hanbit-bank-admin', CREATE, { input: declaration({ purpose: 'x'.repeat(2001) }) }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_TEXT_FIELD',
    });
  });

  it("members read their own institution's register only; regulators and platform admins read all, filter, and see expiring approvals", async () => {
    const { id } = await approved();
    const nuri = await client.gql('nuri-insurance-analyst', GET, { id });
    expect(reasonOf(nuri).reason).toBe('USE_CASE_NOT_FOUND');
    const list = await client.ok(
      'regulator',
      `query($i: ID) { useCases(first: 100, institutionId: $i, state: approved, riskTier: high) { edges { node { id } } } }`,
      { i: ids['hanbit-bank'] },
    );
    expect(list.useCases.edges.map((edge: any) => edge.node.id)).toContain(id);
    const expiring = await client.ok('platform-admin', `{ expiringUseCaseApprovals(first: 100, days: 400) { edges { node { id } } } }`);
    expect(expiring.expiringUseCaseApprovals.edges.map((edge: any) => edge.node.id)).toContain(id);
    const soon = await client.ok('platform-admin', `{ expiringUseCaseApprovals(first: 100) { edges { node { id } } } }`);
    expect(soon.expiringUseCaseApprovals.edges.map((edge: any) => edge.node.id)).not.toContain(id);
  });

  it('the register exports as a signed JSON document that verifies with the published key', async () => {
    await approved();
    const exported = (await client.ok('regulator', `{ useCaseRegisterExport { documentJson algorithm keyId sha256 signature publicKeyPem } }`))
      .useCaseRegisterExport;
    const document = JSON.parse(exported.documentJson);
    expect(document.purpose).toBe('ai-commons/use-case-register');
    expect(document.useCases.length).toBeGreaterThan(0);
    expect(verify(null, canonicalBytes(document), createPublicKey(exported.publicKeyPem), Buffer.from(exported.signature, 'base64'))).toBe(true);
    document.useCases[0].state = 'approved-by-me';
    expect(verify(null, canonicalBytes(document), createPublicKey(exported.publicKeyPem), Buffer.from(exported.signature, 'base64'))).toBe(false);
    const own = JSON.parse((await client.ok('nuri-insurance-analyst', `{ useCaseRegisterExport { documentJson } }`)).useCaseRegisterExport.documentJson);
    expect(own.useCases.every((useCase: any) => useCase.institutionId === ids['nuri-insurance'])).toBe(true);
  });

  it('the expiry sweep records expired approvals (history by the platform, audited); the expired use case is renewed by resubmitting', async () => {
    const { id } = await approved();
    await withPg(e2eDatabase().superuserUrl, (pg) =>
      pg.query(`begin; select set_config('app.cross_tenant', 'review', true);
        update use_cases set valid_from = now() - interval '2 days', valid_until = now() - interval '1 second' where id = '${id}'; commit;`),
    );
    expect(await controlPlane.app.get(UseCaseExpirySweep).sweep()).toBeGreaterThanOrEqual(1);
    const full = (await client.ok('hanbit-bank-admin', GET, { id })).useCase;
    expect(full.state).toBe('expired');
    expect(full.history.edges.at(-1).node).toMatchObject({ action: 'expire', toState: 'expired', actorRole: 'system', actorSubject: 'system' });
    expect((await superuserQuery(`select count(*)::int as n from audit_events where action = 'use-case.expire' and resource_id = $1`, [id]))[0].n).toBe(1);
    const renewed = (await client.ok('hanbit-bank-admin', SUBMIT, { id })).submitUseCase;
    expect(renewed).toMatchObject({ state: 'expired', latestVersion: 2, revisionState: 'submitted', servingVersion: 1 });
    const back = (await client.ok('regulator', APPROVE, { id, approval: { reference: unique('FSC-2027'), validUntil: inAYear() } })).approveUseCase;
    expect(back).toMatchObject({ state: 'approved', servingVersion: 2 });
  });

  it('the demo consortium has a register in several states, its service accounts bound to approved use cases', async () => {
    const rows = await superuserQuery(
      `select i.slug, u.name, u.state, v.high_impact from use_cases u join institutions i on i.id = u.tenant_id
       join use_case_versions v on v.use_case_id = u.id and v.version = u.latest_version where u.created_by like 'demo-seed-%'`,
    );
    const bySlugName = Object.fromEntries(rows.map((row) => [`${row.slug}/${row.name}`, row]));
    expect(bySlugName['hanbit-bank/여신 심사 보조']).toMatchObject({ state: 'approved', high_impact: true });
    expect(bySlugName['nuri-insurance/상담 요약']).toMatchObject({ state: 'submitted' });
    expect(bySlugName['gaon-securities/내부 문서 검색 (RAG)']).toMatchObject({ state: 'approved' });
    const bindings = await superuserQuery(
      `select b.client_id, u.state from service_account_use_cases b join use_cases u on u.id = b.use_case_id where b.client_id like 'svc-%'`,
    );
    expect(bindings.map((row) => row.client_id).sort()).toEqual(expect.arrayContaining(['svc-gaon-securities', 'svc-hanbit-bank', 'svc-nuri-insurance']));
    const enforcement = await superuserQuery(
      `select slug, use_case_enforcement from institutions where slug in ('hanbit-bank', 'nuri-insurance', 'gaon-securities')`,
    );
    expect(enforcement.every((row) => row.use_case_enforcement === 'report-only')).toBe(true);
  });
});
