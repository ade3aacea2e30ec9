import { randomUUID } from 'node:crypto';
import { errorCodes, graphqlRequest, userToken } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { auditCount, institutionIds, superuserQuery } from './catalog-fixtures';
import { startControlPlane } from './support/environment';

/** The bad values the outside review found, each refused as the caller's error before any SQL. */
describe('bad argument values are BAD_USER_INPUT (or NOT_FOUND), never a server error', () => {
  let controlPlane: ControlPlane;
  const tokens = new Map<string, string>();
  let ids: Record<string, string>;

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    ids = await institutionIds();
  });
  afterAll(() => controlPlane.close());

  async function gql(user: string | undefined, query: string, variables?: Record<string, unknown>) {
    let token = user ? tokens.get(user) : undefined;
    if (user && !token) tokens.set(user, (token = await userToken(user)));
    return graphqlRequest<any>(controlPlane.url, query, { token, variables });
  }
  const badInput = (reason: string) => [{ code: 'BAD_USER_INPUT', reason }];

  it('a malformed pool id in quotaUsageReport', async () => {
    const query =
      'query($poolId: ID) { quotaUsageReport(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", poolId: $poolId) { edges { node { day } } } }';
    const response = await gql('platform-admin', query, { poolId: 'not-a-uuid' });
    expect(errorCodes(response)).toEqual(badInput('INVALID_ID'));
    expect(response.errors![0].extensions).toMatchObject({ module: 'graphql', details: { argument: 'poolId' } });
    const literal = await gql(
      'platform-admin',
      '{ quotaUsageReport(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", poolId: "not-a-uuid") { edges { node { day } } } }',
    );
    expect(errorCodes(literal)).toEqual(badInput('INVALID_ID'));
  });

  describe('setInstitutionPiiSettings', () => {
    const SET = 'mutation($id: ID, $settings: String!) { setInstitutionPiiSettings(institutionId: $id, settingsJson: $settings) { revision } }';

    it('a malformed institution id is BAD_USER_INPUT', async () => {
      expect(errorCodes(await gql('platform-admin', SET, { id: 'not-a-uuid', settings: '{}' }))).toEqual(badInput('INVALID_ID'));
    });

    it('an unknown institution is NOT_FOUND, and nothing is written', async () => {
      const id = randomUUID();
      expect(errorCodes(await gql('platform-admin', SET, { id, settings: '{}' }))).toEqual([{ code: 'NOT_FOUND', reason: 'INSTITUTION_NOT_FOUND' }]);
      expect(await auditCount('data-policy.pii-settings.set', id)).toBe(0);
    });

    it('JSON holding U+0000 or nested too deep is BAD_USER_INPUT', async () => {
      for (const settings of ['{"card":{"mode":"\\u0000"}}', '{"\\u0000":1}', `${'['.repeat(1000)}${']'.repeat(1000)}`]) {
        expect(errorCodes(await gql('platform-admin', SET, { id: ids['hanbit-bank'], settings }))).toEqual(badInput('PII_SETTINGS_INVALID'));
      }
      // A policy document is stored as jsonb, which cannot hold U+0000.
      const current = JSON.parse((await gql('platform-admin', '{ dataPolicy { documentJson } }')).data.dataPolicy.documentJson);
      const next = { ...current, version: current.version + 1, rules: current.rules.map((rule: object) => ({ ...rule, reason: 'no\u0000' })) };
      const publish = await gql('platform-admin', 'mutation($doc: String!) { publishDataPolicy(documentJson: $doc) { version } }', {
        doc: JSON.stringify(next),
      });
      expect(errorCodes(publish)).toEqual(badInput('POLICY_INVALID'));
    });
  });

  describe('acknowledgeIsolationAlert', () => {
    const ACK = 'mutation($id: ID!) { acknowledgeIsolationAlert(id: $id) { id runId checkId acknowledgedAt } }';

    it('an unknown alert is NOT_FOUND and writes no success audit event', async () => {
      const id = randomUUID();
      const response = await gql('platform-admin', ACK, { id });
      expect(errorCodes(response)).toEqual([{ code: 'NOT_FOUND', reason: 'ALERT_NOT_FOUND' }]);
      expect(await auditCount('isolation.alert.acknowledge', id)).toBe(0);
    });

    it('a malformed alert id is BAD_USER_INPUT', async () => {
      expect(errorCodes(await gql('platform-admin', ACK, { id: '\u0000' }))).toEqual(badInput('INVALID_ID'));
    });

    it('an existing alert is acknowledged, once audited', async () => {
      const runId = randomUUID();
      await superuserQuery(`insert into isolation_runs (id, trigger, requested_by, status, started_at) values ($1, 'on-demand', 'test', 'failed', now())`, [
        runId,
      ]);
      const [alert] = await superuserQuery<{ id: string }>(
        `insert into isolation_alerts (run_id, check_id, concern, summary) values ($1, 'rls.tenant-tables', 'tenant-data', 'test alert') returning id`,
        [runId],
      );
      const response = await gql('platform-admin', ACK, { id: alert.id });
      expect(response.errors).toBeUndefined();
      expect(response.data.acknowledgeIsolationAlert).toMatchObject({ id: alert.id, runId, checkId: 'rls.tenant-tables', acknowledgedAt: expect.any(String) });
      expect(await auditCount('isolation.alert.acknowledge', alert.id)).toBe(1);
    });
  });

  describe('auditEvents date filters', () => {
    const EVENTS = 'query($filter: AuditEventFilter) { auditEvents(first: 1, filter: $filter) { edges { cursor } } }';

    it.each([
      ['not-a-date', 'INVALID_DATE'],
      ['2026-02-30T00:00:00Z', 'INVALID_DATE'],
      ['2026-01-01T00:00:00Z\u0000', 'INVALID_DATE'],
      ['+275760-09-13T00:00:00.000Z', 'DATE_OUT_OF_RANGE'],
      ['-271821-04-20T00:00:00.000Z', 'DATE_OUT_OF_RANGE'],
      ['0000-01-01T00:00:00Z', 'DATE_OUT_OF_RANGE'],
    ])('%j is %s, as a variable and as a literal', async (date, reason) => {
      for (const field of ['from', 'to']) {
        expect(errorCodes(await gql('regulator', EVENTS, { filter: { [field]: date } }))).toEqual(badInput(reason));
      }
      const literal = await gql('regulator', `{ auditEvents(first: 1, filter: { from: ${JSON.stringify(date)} }) { edges { cursor } } }`);
      expect(errorCodes(literal)).toEqual(badInput(reason));
    });

    it('a number is not a date; the limits of the range are dates', async () => {
      expect(errorCodes(await gql('regulator', EVENTS, { filter: { from: 1e20 } }))).toEqual(badInput('INVALID_DATE'));
      expect(errorCodes(await gql('regulator', '{ auditEvents(first: 1, filter: { from: 5 }) { edges { cursor } } }'))).toEqual(badInput('INVALID_DATE'));
      const response = await gql('regulator', EVENTS, { filter: { from: '0001-01-01T00:00:00Z', to: '9999-12-31T23:59:59.999Z' } });
      expect(response.errors).toBeUndefined();
    });
  });

  describe('stored text', () => {
    const CREATE = 'mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { id } }';
    const input = (extra: Record<string, unknown>) => ({
      slug: 'nul-bank',
      nameKo: '널은행',
      nameEn: 'Nul Bank',
      sector: 'bank',
      investedCapitalKrw: '1000',
      contacts: [{ name: 'Choi', email: 'choi@nul.example' }],
      ...extra,
    });

    it.each([
      ['nameKo', { nameKo: '널\u0000은행' }],
      ['nameEn', { nameEn: 'Nul\u0000' }],
      ['contacts[0].name', { contacts: [{ name: 'Ch\u0000oi', email: 'choi@nul.example' }] }],
      ['contacts[0].email', { contacts: [{ name: 'Choi', email: 'choi@nul.example\u0000' }] }],
      ['contacts[0].role', { contacts: [{ name: 'Choi', email: 'choi@nul.example', role: 'CISO\u001b[31m' }] }],
      ['nameEn', { nameEn: 'lone \ud800 surrogate' }],
    ])('U+0000 and other control characters in %s', async (argument, extra) => {
      const response = await gql('platform-admin', CREATE, { input: input(extra) });
      expect(errorCodes(response)).toEqual(badInput('INVALID_TEXT'));
      expect(response.errors![0].extensions!.details).toEqual({ argument: `input.${argument}` });
    });

    it('in a suspension reason, once the caller is authenticated and has the role', async () => {
      const SUSPEND = 'mutation($id: ID!, $reason: String!) { suspendInstitution(id: $id, reason: $reason) { status } }';
      const variables = { id: ids['gaon-securities'], reason: 'overdue\u0000' };
      expect(errorCodes(await gql(undefined, SUSPEND, variables))[0].code).toBe('UNAUTHENTICATED');
      expect(errorCodes(await gql('hanbit-bank-analyst', SUSPEND, variables))).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
      const response = await gql('platform-admin', SUSPEND, variables);
      expect(errorCodes(response)).toEqual(badInput('INVALID_TEXT'));
      const [row] = await superuserQuery<{ status: string }>('select status from institutions where id = $1', [ids['gaon-securities']]);
      expect(row.status).toBe('active');
    });

    it('a 250,000-character e-mail address is refused at once', async () => {
      const started = Date.now();
      const response = await gql('platform-admin', CREATE, { input: input({ contacts: [{ name: 'Choi', email: `${'a'.repeat(250_000)}@x` }] }) });
      expect(errorCodes(response)).toEqual(badInput('TEXT_TOO_LONG'));
      const longestAllowed = await gql('platform-admin', CREATE, {
        input: input({ contacts: [{ name: 'Choi', email: `${'a'.repeat(60)}@${'b'.repeat(4_000)}.kr` }] }),
      });
      expect(errorCodes(longestAllowed)).toEqual(badInput('INVALID_CONTACT'));
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  describe('previewDataPolicy', () => {
    const PREVIEW = 'query($sample: String!) { previewDataPolicy(sampleRequestJson: $sample) }';

    it.each([
      ['{}', '{}'],
      ['an array', '[]'],
      [
        'an endpoint without a region',
        JSON.stringify({ classification: 'public', institutionCeiling: 'public', endpoint: { hosting: 'shared-infrastructure', networkZone: 'internal' } }),
      ],
      ['an endpoint that is an array', JSON.stringify({ classification: 'public', institutionCeiling: 'public', endpoint: [] })],
    ])('%s is previewed as a denial', async (_, sample) => {
      const response = await gql('platform-admin', PREVIEW, { sample });
      expect(response.errors).toBeUndefined();
      expect(JSON.parse(response.data.previewDataPolicy)).toMatchObject({ decision: { decision: 'deny', ruleId: 'request-invalid' }, facts: null });
    });

    it('JSON that is not, or holds U+0000, is BAD_USER_INPUT', async () => {
      for (const sample of ['{"a":', '{"endpoint":{"region":"\\u0000"}}']) {
        expect(errorCodes(await gql('platform-admin', PREVIEW, { sample }))).toEqual(badInput('INVALID_SAMPLE'));
      }
    });
  });

  it('a cursor of the wrong shape is INVALID_CURSOR', async () => {
    const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const query = 'query($after: String) { auditEvents(first: 1, after: $after) { edges { cursor } } }';
    for (const after of [cursor(['x']), cursor([null, null]), cursor(['2026-01-01T00:00:00Z', 'not-a-uuid']), cursor([1e400]), 'not a cursor!']) {
      expect(errorCodes(await gql('platform-admin', query, { after }))).toEqual(badInput('INVALID_CURSOR'));
    }
    for (const [list, key] of [
      ['institutions', [1]],
      ['models', [{}]],
      ['endpoints', ['name']],
      ['apiKeys', ['2026-13-01T00:00:00Z', randomUUID()]],
    ] as const) {
      const response = await gql('platform-admin', `query($after: String) { ${list}(first: 1, after: $after) { edges { cursor } } }`, { after: cursor(key) });
      expect(errorCodes(response)).toEqual(badInput('INVALID_CURSOR'));
    }
    // Arguments of nested fields follow the same rules.
    const nested = 'query($id: ID!, $after: String) { institution(id: $id) { statusHistory(after: $after) { edges { cursor } } } }';
    expect(errorCodes(await gql('platform-admin', nested, { id: ids['hanbit-bank'], after: cursor(['2026-01-01T00:00:00Z', 'not-a-uuid']) }))).toEqual(
      badInput('INVALID_CURSOR'),
    );
    const control = await gql('platform-admin', nested, { id: ids['hanbit-bank'], after: 'x\u0000' });
    expect(errorCodes(control)).toEqual(badInput('INVALID_TEXT'));
    expect(control.errors![0].extensions!.details).toEqual({ argument: 'after' });
  });

  describe('quota numbers the database cannot hold, demands the allocator cannot take', () => {
    let poolId: string;
    beforeAll(async () => {
      const created = await gql('platform-admin', 'mutation($input: QuotaPoolInput!) { createQuotaPool(input: $input) { id } }', {
        input: {
          name: `bad-values-${Date.now()}`,
          capacity: { tokensPerMinute: 1000, requestsPerMinute: 10, concurrentRequests: 2 },
          members: [{ institutionId: ids['hanbit-bank'] }],
        },
      });
      poolId = created.data.createQuotaPool.id;
    });
    const UPDATE = 'mutation($id: ID!, $input: QuotaPoolInput!) { updateQuotaPool(id: $id, input: $input) { id } }';

    it.each([
      [{ capacity: { tokensPerMinute: 0.5, requestsPerMinute: 10, concurrentRequests: 2 } }, 'INVALID_CAPACITY'],
      [{ capacity: { tokensPerMinute: 1000, requestsPerMinute: 10, concurrentRequests: 2 ** 53 - 1 } }, 'INVALID_CAPACITY'],
      [{ members: [{ institutionId: 'HANBIT', periodTokenBudget: 0.5 }] }, 'INVALID_BUDGET'],
    ])('updateQuotaPool %j is %s', async (input, reason) => {
      const members = (input as { members?: { institutionId: string }[] }).members?.map((member) => ({ ...member, institutionId: ids['hanbit-bank'] }));
      const response = await gql('platform-admin', UPDATE, { id: poolId, input: members ? { members } : input });
      expect(errorCodes(response)).toEqual(badInput(reason));
    });

    it('previewQuotaAllocation with a negative demand or one by a non-member', async () => {
      const PREVIEW =
        'query($id: ID, $demands: [QuotaDemandInput!]) { previewQuotaAllocation(poolId: $id, change: {}, demands: $demands) { members { institutionId } } }';
      const negative = [{ institutionId: ids['hanbit-bank'], demand: { tokensPerMinute: -1, requestsPerMinute: 1, concurrentRequests: 1 } }];
      expect(errorCodes(await gql('platform-admin', PREVIEW, { id: poolId, demands: negative }))).toEqual(badInput('NEGATIVE_LIMIT'));
      const stranger = [{ institutionId: ids['gaon-securities'], demand: { tokensPerMinute: 1, requestsPerMinute: 1, concurrentRequests: 1 } }];
      expect(errorCodes(await gql('platform-admin', PREVIEW, { id: poolId, demands: stranger }))).toEqual(badInput('UNKNOWN_MEMBER'));
    });
  });

  it.each([
    // (A page size beyond 32 bits is refused earlier, by the cost limit: see graphql-limits.)
    ['an Int beyond 32 bits, as a literal', 'mutation { registerModel(input: { contextWindow: 99999999999 }) { id } }', undefined],
    ['a string for an Int, as a literal', '{ institutions(first: "ten") { edges { cursor } } }', undefined],
    ['an unknown enum value, as a literal', '{ institutions(status: BOGUS) { edges { cursor } } }', undefined],
    ['an unknown input field, as a literal', '{ auditEvents(filter: { bogus: 1 }) { edges { cursor } } }', undefined],
    ['a missing required input field, as a literal', 'mutation { createInstitution(input: {}) { id } }', undefined],
    ['a string for an Int, as a variable', 'query($n: Int) { isolationRuns(first: $n) { edges { cursor } } }', { n: 'ten' }],
    ['an unknown enum value, as a variable', 'query($s: InstitutionStatus) { institutions(status: $s) { edges { cursor } } }', { s: 'BOGUS' }],
    ['a null for a required variable', 'query($id: ID!) { institution(id: $id) { id } }', { id: null }],
  ])('GraphQL type errors are BAD_USER_INPUT with a reason: %s', async (_, query, variables) => {
    // One error per value GraphQL could not coerce (e.g. each missing required field).
    const codes = errorCodes(await gql('platform-admin', query, variables));
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(code).toEqual(badInput('INVALID_VALUE')[0]);
  });

  it('numbers beyond ±2^53 are BAD_USER_INPUT', async () => {
    const response = await gql('platform-admin', 'query($from: Float!) { consistencyProof(fromSize: $from, toSize: 1) { fromSize } }', { from: 1e308 });
    expect(errorCodes(response)).toEqual(badInput('NUMBER_OUT_OF_RANGE'));
  });
});
