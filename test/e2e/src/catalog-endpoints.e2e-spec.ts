import { errorCodes } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import {
  CatalogClient,
  CHANGE_STATE,
  CREATE_ENDPOINT,
  ENDPOINT_FIELDS,
  auditCount,
  endpointInput,
  freshOffering,
  institutionIds,
  startCatalogControlPlane,
  superuserQuery,
  unique,
  type Caller,
} from './catalog-fixtures';

const LIST = `query($institutionId: ID, $name: String) {
  endpoints(first: 100, institutionId: $institutionId, name: $name) { edges { node { id name institutionId institutionSlug state } } } }`;
const BY_ID = `query($id: ID!) { endpoint(id: $id) { ${ENDPOINT_FIELDS} } }`;
const UPDATE_LIMITS = `mutation($id: ID!, $limits: EndpointLimitsInput!) { updateEndpointLimits(id: $id, limits: $limits) {
  limits { maxRequestBytes maxOutputTokens defaultMaxTokens connectTimeoutMs firstByteTimeoutMs requestTimeoutMs imageInputTokens } } }`;
const ROTATE = 'mutation($id: ID!, $credential: String!) { rotateEndpointCredential(id: $id, credential: $credential) { hasCredential } }';

describe('institution endpoints over GraphQL', () => {
  let controlPlane: ControlPlane;
  const client = new CatalogClient(() => controlPlane.url);
  let ids: Record<string, string>;
  let offeringId: string;

  beforeAll(async () => {
    controlPlane = await startCatalogControlPlane();
    ids = await institutionIds();
    ({ offeringId } = await freshOffering(client, 'endpoints'));
  });
  afterAll(() => controlPlane.close());

  const names = (data: any) => data.endpoints.edges.map((edge: any) => edge.node);
  const create = (institution: string, extra: Record<string, unknown> = {}) =>
    client.ok('platform-admin', CREATE_ENDPOINT, { input: endpointInput(ids[institution], offeringId, extra) }).then((data) => data.createEndpoint);

  describe('who sees which endpoints', () => {
    it('tenant admins, members and service accounts see only their own institution’s endpoints', async () => {
      const cases: [Caller, string][] = [
        ['hanbit-bank-admin', 'hanbit-bank'],
        ['hanbit-bank-analyst', 'hanbit-bank'],
        ['svc-hanbit-bank', 'hanbit-bank'],
        ['nuri-insurance-admin', 'nuri-insurance'],
        ['nuri-insurance-analyst', 'nuri-insurance'],
        ['svc-nuri-insurance', 'nuri-insurance'],
        ['gaon-securities-analyst', 'gaon-securities'],
      ];
      for (const [caller, slug] of cases) {
        const nodes = names(await client.ok(caller, LIST));
        expect(nodes.length).toBeGreaterThan(0);
        expect(new Set(nodes.map((node: any) => node.institutionId))).toEqual(new Set([ids[slug]]));
        expect(new Set(nodes.map((node: any) => node.institutionSlug))).toEqual(new Set([slug]));
        // Asking for another institution's endpoints by filter gives nothing either.
        const other = slug === 'hanbit-bank' ? 'nuri-insurance' : 'hanbit-bank';
        expect(names(await client.ok(caller, LIST, { institutionId: ids[other] }))).toEqual([]);
      }
      const hanbit = names(await client.ok('hanbit-bank-analyst', LIST)).map((node: any) => node.name);
      expect(hanbit).toEqual(expect.arrayContaining(['llama-3.1-70b', 'exaone-3.5-32b', 'gpt-4o']));
      const gaon = names(await client.ok('gaon-securities-admin', LIST)).map((node: any) => node.name);
      expect(gaon).toContain('llama-3.1-70b');
      expect(gaon).not.toContain('exaone-3.5-32b');
    });

    it('platform admins and regulators see every institution’s endpoints', async () => {
      for (const caller of ['platform-admin', 'regulator'] as const) {
        const nodes = names(await client.ok(caller, LIST, { name: 'llama-3.1-70b' }));
        const demo = nodes.filter((node: any) => ['hanbit-bank', 'nuri-insurance', 'gaon-securities'].includes(node.institutionSlug));
        expect(demo.map((node: any) => node.institutionSlug).sort()).toEqual(['gaon-securities', 'hanbit-bank', 'nuri-insurance']);
        expect(demo.every((node: any) => node.state === 'active')).toBe(true);
      }
    });

    it('another institution’s endpoint by id is NOT_FOUND, exactly like an unknown id', async () => {
      const nuriEndpoint = names(await client.ok('nuri-insurance-analyst', LIST, { name: 'llama-3.1-70b' }))[0];
      const answers = [];
      for (const id of [nuriEndpoint.id, '00000000-0000-4000-8000-000000000000']) {
        for (const caller of ['hanbit-bank-admin', 'hanbit-bank-analyst', 'svc-hanbit-bank', 'gaon-securities-admin'] as const) {
          const response = await client.gql(caller, BY_ID, { id });
          expect(response.data).toBeNull();
          answers.push({ codes: errorCodes(response), message: response.errors?.[0].message.replace(id, '<id>') });
        }
      }
      expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
      expect(answers[0].codes).toEqual([{ code: 'NOT_FOUND', reason: 'ENDPOINT_NOT_FOUND' }]);
      // Their own, the regulator and the platform admin do see it.
      for (const caller of ['nuri-insurance-analyst', 'regulator', 'platform-admin'] as const) {
        expect((await client.ok(caller, BY_ID, { id: nuriEndpoint.id })).endpoint.id).toBe(nuriEndpoint.id);
      }
      expect(errorCodes(await client.gql('regulator', BY_ID, { id: 'not-a-uuid' }))).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_ID' }]);
    });

    it('tenant members and service accounts do not see the upstream URL or the health detail (null); admins and regulators do', async () => {
      const query = `query($id: ID!) { endpoint(id: $id) { id upstreamUrl healthDetail } }`;
      const list = `{ endpoints(first: 100) { edges { node { upstreamUrl healthDetail } } } }`;
      const target = names(await client.ok('regulator', LIST, { institutionId: ids['hanbit-bank'], name: 'llama-3.1-70b' }))[0];
      await superuserQuery(`update endpoints set health_detail = 'connect ECONNREFUSED 10.20.0.7:8000' where id = $1`, [target.id]);
      for (const caller of ['hanbit-bank-analyst', 'svc-hanbit-bank'] as const) {
        const response = await client.gql(caller, query, { id: target.id });
        expect(response.errors).toBeUndefined();
        expect(response.data.endpoint).toEqual({ id: target.id, upstreamUrl: null, healthDetail: null });
        const nodes = names(await client.ok(caller, list));
        expect(nodes.length).toBeGreaterThan(0);
        expect(nodes.every((node: any) => node.upstreamUrl === null && node.healthDetail === null)).toBe(true);
      }
      for (const caller of ['hanbit-bank-admin', 'regulator', 'platform-admin'] as const) {
        expect((await client.ok(caller, query, { id: target.id })).endpoint).toEqual({
          id: target.id,
          upstreamUrl: expect.stringMatching(/^https?:\/\//),
          healthDetail: 'connect ECONNREFUSED 10.20.0.7:8000',
        });
      }
    });

    it('state history is visible to the institution and cross-tenant readers only', async () => {
      const query = `query($id: ID!) { endpoint(id: $id) { stateHistory(first: 10) { edges { node { fromState toState reason actorSubject } } } } }`;
      const gaon = names(await client.ok('regulator', LIST, { institutionId: ids['gaon-securities'], name: 'llama-3.1-70b' }))[0];
      const own = await client.ok('gaon-securities-analyst', query, { id: gaon.id });
      expect(own.endpoint.stateHistory.edges.map((edge: any) => [edge.node.fromState, edge.node.toState])).toEqual([
        [null, 'provisioning'],
        ['provisioning', 'active'],
      ]);
      expect(errorCodes(await client.gql('hanbit-bank-admin', query, { id: gaon.id }))).toEqual([{ code: 'NOT_FOUND', reason: 'ENDPOINT_NOT_FOUND' }]);
    });

    it('only platform admins create, change state, update limits or rotate credentials', async () => {
      const target = names(await client.ok('regulator', LIST, { institutionId: ids['hanbit-bank'], name: 'llama-3.1-70b' }))[0];
      for (const caller of ['regulator', 'hanbit-bank-admin', 'hanbit-bank-analyst', 'svc-hanbit-bank'] as const) {
        const denied = [
          await client.gql(caller, CREATE_ENDPOINT, { input: endpointInput(ids['hanbit-bank'], offeringId) }),
          await client.gql(caller, CHANGE_STATE, { id: target.id, state: 'draining', reason: 'role check' }),
          await client.gql(caller, UPDATE_LIMITS, { id: target.id, limits: { maxOutputTokens: 10 } }),
          await client.gql(caller, ROTATE, { id: target.id, credential: 'sk-role-check' }),
        ];
        for (const response of denied) expect(errorCodes(response)).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
      }
      expect((await client.ok('regulator', BY_ID, { id: target.id })).endpoint.state).toBe('active');
      expect(errorCodes(await client.gql(undefined, LIST))).toEqual([{ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' }]);
    });
  });

  describe('creating', () => {
    it('creates an endpoint in provisioning, with defaults, history and an audit record', async () => {
      const endpoint = await create('nuri-insurance', {
        driver: 'azure_openai',
        azureDeployment: 'gpt-4o',
        azureApiVersion: '2024-10-21',
        upstreamUrl: 'https://nuri.openai.azure.example/',
        limits: { maxOutputTokens: 8192 },
      });
      expect(endpoint).toMatchObject({
        institutionId: ids['nuri-insurance'],
        institutionSlug: 'nuri-insurance',
        state: 'provisioning',
        health: 'unknown',
        driver: 'azure_openai',
        isolationMode: 'shared_pool',
        upstreamUrl: 'https://nuri.openai.azure.example',
        azureDeployment: 'gpt-4o',
        azureApiVersion: '2024-10-21',
        hasCredential: false,
        credentialRotatedAt: null,
        limits: {
          maxRequestBytes: 1048576,
          maxOutputTokens: 8192,
          defaultMaxTokens: 1024,
          connectTimeoutMs: 2000,
          firstByteTimeoutMs: 30000,
          requestTimeoutMs: 120000,
        },
      });
      expect(await auditCount('endpoint.create', endpoint.id)).toBe(1);
      const history = await superuserQuery('select from_state, to_state from endpoint_state_history where endpoint_id = $1', [endpoint.id]);
      expect(history).toEqual([{ from_state: null, to_state: 'provisioning' }]);
    });

    it('the same name in two institutions is allowed; twice in one is ENDPOINT_NAME_TAKEN', async () => {
      const name = unique('shared-name');
      await create('hanbit-bank', { name });
      await create('gaon-securities', { name });
      const before = await auditCount('endpoint.create');
      expect(errorCodes(await client.gql('platform-admin', CREATE_ENDPOINT, { input: endpointInput(ids['hanbit-bank'], offeringId, { name }) }))).toEqual([
        { code: 'CONFLICT', reason: 'ENDPOINT_NAME_TAKEN' },
      ]);
      expect(await auditCount('endpoint.create')).toBe(before);
      const rows = await superuserQuery('select tenant_id from endpoints where name = $1 order by tenant_id', [name]);
      expect(rows).toHaveLength(2);
    });

    it('gives a specific reason for each invalid endpoint and writes nothing', async () => {
      const before = await auditCount('endpoint.create');
      const marker = unique('invalid');
      const input = (extra: Record<string, unknown>) =>
        endpointInput(ids['hanbit-bank'], offeringId, { name: `${marker}-${Object.keys(extra).join('-')}`, ...extra });
      const cases: [Record<string, unknown>, string, string][] = [
        [input({ offeringId: '00000000-0000-4000-8000-000000000000' }), 'BAD_USER_INPUT', 'UNKNOWN_OFFERING'],
        [input({ institutionId: '00000000-0000-4000-8000-000000000000' }), 'BAD_USER_INPUT', 'UNKNOWN_INSTITUTION'],
        [input({ upstreamUrl: 'ftp://files.example' }), 'BAD_USER_INPUT', 'INVALID_UPSTREAM_URL'],
        [input({ upstreamUrl: 'not a url' }), 'BAD_USER_INPUT', 'INVALID_UPSTREAM_URL'],
        [input({ driver: 'azure_openai', azureApiVersion: '2024-10-21' }), 'BAD_USER_INPUT', 'AZURE_DEPLOYMENT_REQUIRED'],
        [input({ driver: 'azure_openai', azureDeployment: 'gpt-4o' }), 'BAD_USER_INPUT', 'AZURE_API_VERSION_REQUIRED'],
        [input({ azureDeployment: 'gpt-4o' }), 'BAD_USER_INPUT', 'AZURE_SETTINGS_NOT_APPLICABLE'],
        [input({ limits: { maxOutputTokens: 100, defaultMaxTokens: 200 } }), 'BAD_USER_INPUT', 'DEFAULT_MAX_TOKENS_EXCEEDS_MAX'],
        [input({ limits: { maxRequestBytes: -1 } }), 'BAD_USER_INPUT', 'INVALID_LIMIT'],
        [input({ limits: { connectTimeoutMs: 0 } }), 'BAD_USER_INPUT', 'INVALID_LIMIT'],
        [input({ limits: { requestTimeoutMs: 1000 } }), 'BAD_USER_INPUT', 'INVALID_TIMEOUTS'],
        [input({ name: 'has spaces' }), 'BAD_USER_INPUT', 'INVALID_ENDPOINT_NAME'],
        [input({ upstreamModel: ' ' }), 'BAD_USER_INPUT', 'INVALID_UPSTREAM_MODEL'],
        [input({ credential: 'line\nbreak' }), 'BAD_USER_INPUT', 'INVALID_CREDENTIAL'],
      ];
      for (const [value, code, reason] of cases) {
        expect({ value, codes: errorCodes(await client.gql('platform-admin', CREATE_ENDPOINT, { input: value })) }).toEqual({
          value,
          codes: [{ code, reason }],
        });
      }
      expect(await auditCount('endpoint.create')).toBe(before);
      const rows = await superuserQuery(`select count(*)::int as n from endpoints where name like $1`, [`${marker}%`]);
      expect(rows[0].n).toBe(0);
    });
  });

  describe('lifecycle', () => {
    it('goes provisioning → active → draining → active → draining → retired, with history; illegal moves are refused', async () => {
      const endpoint = await create('gaon-securities');
      const move = (state: string) => client.gql('platform-admin', CHANGE_STATE, { id: endpoint.id, state, reason: `to ${state}` });

      expect(errorCodes(await move('draining'))).toEqual([{ code: 'CONFLICT', reason: 'ILLEGAL_STATE_TRANSITION' }]);
      expect(errorCodes(await move('provisioning'))).toEqual([{ code: 'CONFLICT', reason: 'ILLEGAL_STATE_TRANSITION' }]);
      for (const state of ['active', 'draining', 'active', 'draining']) {
        expect((await move(state)).data?.changeEndpointState.state).toBe(state);
      }
      expect(errorCodes(await move('draining'))).toEqual([{ code: 'CONFLICT', reason: 'ILLEGAL_STATE_TRANSITION' }]);
      expect((await move('retired')).data?.changeEndpointState.state).toBe('retired');
      for (const state of ['active', 'draining', 'provisioning', 'retired']) {
        expect(errorCodes(await move(state))).toEqual([{ code: 'CONFLICT', reason: 'ILLEGAL_STATE_TRANSITION' }]);
      }
      const short = await client.gql('platform-admin', CHANGE_STATE, { id: endpoint.id, state: 'active', reason: 'x' });
      expect(errorCodes(short)).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_REASON' }]);

      const history = await client.ok(
        'gaon-securities-analyst',
        `query($id: ID!) { endpoint(id: $id) { stateHistory(first: 3) { edges { node { fromState toState reason } } pageInfo { hasNextPage endCursor } } } }`,
        { id: endpoint.id },
      );
      const rest = await client.ok(
        'gaon-securities-analyst',
        `query($id: ID!, $after: String) { endpoint(id: $id) { stateHistory(first: 10, after: $after) { edges { node { fromState toState reason } } } } }`,
        {
          id: endpoint.id,
          after: history.endpoint.stateHistory.pageInfo.endCursor,
        },
      );
      const transitions = [...history.endpoint.stateHistory.edges, ...rest.endpoint.stateHistory.edges].map(
        (edge: any) => `${edge.node.fromState}→${edge.node.toState}`,
      );
      expect(transitions).toEqual(['null→provisioning', 'provisioning→active', 'active→draining', 'draining→active', 'active→draining', 'draining→retired']);
      expect(await auditCount('endpoint.state-change', endpoint.id)).toBe(5);

      // A retired endpoint cannot be changed any more.
      expect(errorCodes(await client.gql('platform-admin', UPDATE_LIMITS, { id: endpoint.id, limits: { maxOutputTokens: 100 } }))).toEqual([
        { code: 'CONFLICT', reason: 'ENDPOINT_RETIRED' },
      ]);
      expect(errorCodes(await client.gql('platform-admin', ROTATE, { id: endpoint.id, credential: 'sk-too-late' }))).toEqual([
        { code: 'CONFLICT', reason: 'ENDPOINT_RETIRED' },
      ]);
    });

    it('provisioning → retired abandons a set-up', async () => {
      const endpoint = await create('hanbit-bank');
      const response = await client.ok('platform-admin', CHANGE_STATE, { id: endpoint.id, state: 'retired', reason: 'abandoned' });
      expect(response.changeEndpointState.state).toBe('retired');
    });

    it('updates limits as a whole, validating the result, with before/after in the audit log', async () => {
      const endpoint = await create('hanbit-bank');
      const updated = await client.ok('platform-admin', UPDATE_LIMITS, {
        id: endpoint.id,
        limits: { maxOutputTokens: 16000, defaultMaxTokens: 4000, requestTimeoutMs: 300000, imageInputTokens: 1105 },
      });
      expect(updated.updateEndpointLimits.limits).toEqual({
        maxRequestBytes: 1048576,
        maxOutputTokens: 16000,
        defaultMaxTokens: 4000,
        connectTimeoutMs: 2000,
        firstByteTimeoutMs: 30000,
        requestTimeoutMs: 300000,
        imageInputTokens: 1105,
      });
      const [audit] = await superuserQuery(`select details from audit_events where action = 'endpoint.limits-update' and resource_id = $1`, [endpoint.id]);
      expect(audit.details.before.maxOutputTokens).toBe(4096);
      expect(audit.details.after.maxOutputTokens).toBe(16000);

      const cases: [Record<string, unknown>, string][] = [
        [{ maxOutputTokens: 1000 }, 'DEFAULT_MAX_TOKENS_EXCEEDS_MAX'],
        [{ firstByteTimeoutMs: -5 }, 'INVALID_LIMIT'],
        [{ imageInputTokens: 0 }, 'INVALID_LIMIT'],
        [{}, 'EMPTY_UPDATE'],
      ];
      for (const [limits, reason] of cases) {
        expect(errorCodes(await client.gql('platform-admin', UPDATE_LIMITS, { id: endpoint.id, limits }))).toEqual([{ code: 'BAD_USER_INPUT', reason }]);
      }
      const [row] = await superuserQuery('select max_output_tokens, first_byte_timeout_ms from endpoints where id = $1', [endpoint.id]);
      expect(row).toEqual({ max_output_tokens: 16000, first_byte_timeout_ms: 30000 });
      expect(await auditCount('endpoint.limits-update', endpoint.id)).toBe(1);
    });

    it("sets the request fields an endpoint forwards beyond its driver's allow-list, and the largest n, audited", async () => {
      const SET_FIELDS =
        'mutation($id: ID!, $fields: [String!]!) { setEndpointAllowedExtraFields(id: $id, fields: $fields) { allowedExtraFields limits { maxChoices } } }';
      const endpoint = await create('hanbit-bank');
      const set = await client.ok('platform-admin', SET_FIELDS, { id: endpoint.id, fields: ['top_k', 'chat_template_kwargs', 'top_k'] });
      expect(set.setEndpointAllowedExtraFields).toEqual({ allowedExtraFields: ['chat_template_kwargs', 'top_k'], limits: { maxChoices: 1 } });
      const [audit] = await superuserQuery(`select details from audit_events where action = 'endpoint.allowed-fields-update' and resource_id = $1`, [
        endpoint.id,
      ]);
      expect(audit.details).toMatchObject({ before: [], after: ['chat_template_kwargs', 'top_k'] });
      for (const fields of [['has space'], ['x'.repeat(65)], Array.from({ length: 33 }, (_, i) => `f${i}`)]) {
        expect(errorCodes(await client.gql('platform-admin', SET_FIELDS, { id: endpoint.id, fields }))).toEqual([
          { code: 'BAD_USER_INPUT', reason: 'INVALID_ALLOWED_FIELD' },
        ]);
      }
      expect(errorCodes(await client.gql('hanbit-bank-admin', SET_FIELDS, { id: endpoint.id, fields: ['priority'] }))).toEqual([
        { code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' },
      ]);

      const MAX_CHOICES = 'mutation($id: ID!, $limits: EndpointLimitsInput!) { updateEndpointLimits(id: $id, limits: $limits) { limits { maxChoices } } }';
      expect((await client.ok('platform-admin', MAX_CHOICES, { id: endpoint.id, limits: { maxChoices: 4 } })).updateEndpointLimits.limits.maxChoices).toBe(4);
      expect(errorCodes(await client.gql('platform-admin', MAX_CHOICES, { id: endpoint.id, limits: { maxChoices: 129 } }))).toEqual([
        { code: 'BAD_USER_INPUT', reason: 'INVALID_LIMIT' },
      ]);
      const [row] = await superuserQuery('select allowed_extra_fields, max_choices from endpoints where id = $1', [endpoint.id]);
      expect(row).toEqual({ allowed_extra_fields: ['chat_template_kwargs', 'top_k'], max_choices: 4 });
    });

    it('filters the list by state and paginates by name', async () => {
      const retired = names(
        await client.ok('regulator', '{ endpoints(first: 100, state: retired) { edges { node { id name institutionId institutionSlug state } } } }'),
      );
      expect(retired.length).toBeGreaterThan(0);
      expect(retired.every((node: any) => node.state === 'retired')).toBe(true);
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page: any = await client.ok(
          'regulator',
          'query($after: String) { endpoints(first: 2, after: $after) { edges { node { id name } } pageInfo { hasNextPage endCursor } } }',
          { after },
        );
        seen.push(...page.endpoints.edges.map((edge: any) => edge.node.id));
        after = page.endpoints.pageInfo.hasNextPage ? page.endpoints.pageInfo.endCursor : null;
      } while (after);
      const [{ n }] = await superuserQuery('select count(*)::int as n from endpoints');
      expect(seen).toHaveLength(n);
      expect(new Set(seen).size).toBe(n);
    });
  });
});
