import { errorCodes } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import {
  CatalogClient,
  CHANGE_STATE,
  CREATE_ENDPOINT,
  MODEL_FIELDS,
  OFFERING_FIELDS,
  REGISTER_MODEL,
  REGISTER_OFFERING,
  SERVICE_ACCOUNTS,
  USERS,
  auditCount,
  endpointInput,
  freshOffering,
  institutionIds,
  modelInput,
  startCatalogControlPlane,
  superuserQuery,
  unique,
  type Caller,
} from './catalog-fixtures';

const NOT_PLATFORM_ADMINS: Caller[] = ['regulator', 'hanbit-bank-admin', 'hanbit-bank-analyst', 'svc-nuri-insurance'];

describe('model catalog over GraphQL', () => {
  let controlPlane: ControlPlane;
  const client = new CatalogClient(() => controlPlane.url);
  let ids: Record<string, string>;

  beforeAll(async () => {
    controlPlane = await startCatalogControlPlane();
    ids = await institutionIds();
  });
  afterAll(() => controlPlane.close());

  describe('browsing', () => {
    it('every authenticated caller browses the seeded demo catalog', async () => {
      for (const caller of [...USERS, ...SERVICE_ACCOUNTS]) {
        const data = await client.ok(caller, `{ models(first: 50) { edges { node { ${MODEL_FIELDS} offerings { ${OFFERING_FIELDS} } } } } }`);
        const byName = Object.fromEntries(data.models.edges.map((edge: any) => [edge.node.name, edge.node]));
        expect(byName['llama-3.1-70b-instruct']).toMatchObject({
          kind: 'open',
          provider: 'Meta',
          licence: 'Llama 3.1 Community License',
          parameterCountBillions: 70,
          contextWindow: 128000,
          mmluScore: 83.6,
          offerings: [
            { hosting: 'shared_infrastructure', region: 'KR', networkZone: 'internal', operator: 'ai-commons consortium', authorityConfirmation: null },
          ],
        });
        expect(byName['exaone-3.5-32b']).toMatchObject({
          kind: 'open',
          provider: 'LG AI Research',
          licence: 'EXAONE AI Model License',
          parameterCountBillions: 32,
          contextWindow: 32768,
          mmluScore: 78.3,
          offerings: [{ hosting: 'dedicated_on_premises', region: 'KR', networkZone: 'internal' }],
        });
        expect(byName['gpt-4o']).toMatchObject({
          kind: 'commercial',
          provider: 'OpenAI via Microsoft Azure',
          contextWindow: 128000,
          mmluScore: 88.7,
          parameterCountBillions: null,
          priceInputPer1kTokensKrw: '3.5',
          priceOutputPer1kTokensKrw: '14',
          offerings: [{ hosting: 'cloud_commercial', region: 'KR', networkZone: 'internet', operator: 'Microsoft Azure (Korea Central)' }],
        });
        const confirmation = byName['gpt-4o'].offerings[0].authorityConfirmation;
        expect(confirmation.reference).toBe('FSC-2026-0142');
        expect(confirmation.expiresAt.slice(0, 10)).toBe('2027-06-30');
      }
    });

    it('anonymous callers are refused', async () => {
      expect(errorCodes(await client.gql(undefined, '{ models { edges { node { name } } } }'))).toEqual([{ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' }]);
      expect(errorCodes(await client.gql(undefined, '{ modelOfferings { edges { node { id } } } }'))).toEqual([
        { code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' },
      ]);
    });

    it('filters and paginates models and offerings', async () => {
      const commercial = await client.ok('hanbit-bank-analyst', '{ models(kind: commercial, first: 50) { edges { node { kind } } } }');
      expect(commercial.models.edges.length).toBeGreaterThan(0);
      expect(commercial.models.edges.every((edge: any) => edge.node.kind === 'commercial')).toBe(true);

      const first = await client.ok('regulator', '{ models(first: 1) { edges { node { name } } pageInfo { hasNextPage endCursor } } }');
      expect(first.models.pageInfo.hasNextPage).toBe(true);
      const second = await client.ok('regulator', 'query($after: String) { models(first: 1, after: $after) { edges { node { name } } } }', {
        after: first.models.pageInfo.endCursor,
      });
      expect(second.models.edges[0].node.name > first.models.edges[0].node.name).toBe(true);

      const cloud = await client.ok(
        'nuri-insurance-analyst',
        '{ modelOfferings(hosting: cloud_commercial, networkZone: internet) { edges { node { hosting model { name } } } } }',
      );
      expect(cloud.modelOfferings.edges.map((edge: any) => edge.node.model.name)).toContain('gpt-4o');
      expect(cloud.modelOfferings.edges.every((edge: any) => edge.node.hosting === 'cloud_commercial')).toBe(true);
      const page = await client.ok('regulator', '{ modelOfferings(first: 2, region: "kr") { edges { cursor } pageInfo { hasNextPage endCursor } } }');
      const rest = await client.ok('regulator', 'query($after: String) { modelOfferings(first: 50, region: "KR", after: $after) { edges { cursor } } }', {
        after: page.modelOfferings.pageInfo.endCursor,
      });
      const cursors = [...page.modelOfferings.edges, ...rest.modelOfferings.edges].map((edge: any) => edge.cursor);
      expect(new Set(cursors).size).toBe(cursors.length);
      expect(cursors.length).toBeGreaterThanOrEqual(3);
    });

    it('by id: a model and an offering; unknown ids are NOT_FOUND, malformed ones BAD_USER_INPUT', async () => {
      const { modelId, offeringId } = await freshOffering(client, 'by-id');
      expect((await client.ok('gaon-securities-analyst', `query($id: ID!) { model(id: $id) { id } }`, { id: modelId })).model.id).toBe(modelId);
      expect(
        (await client.ok('gaon-securities-analyst', `query($id: ID!) { modelOffering(id: $id) { model { id } } }`, { id: offeringId })).modelOffering.model.id,
      ).toBe(modelId);
      const id = '00000000-0000-4000-8000-000000000000';
      expect(errorCodes(await client.gql('regulator', `query($id: ID!) { model(id: $id) { id } }`, { id }))).toEqual([
        { code: 'NOT_FOUND', reason: 'MODEL_NOT_FOUND' },
      ]);
      expect(errorCodes(await client.gql('regulator', `query($id: ID!) { modelOffering(id: $id) { id } }`, { id }))).toEqual([
        { code: 'NOT_FOUND', reason: 'OFFERING_NOT_FOUND' },
      ]);
      for (const field of ['model', 'modelOffering']) {
        expect(errorCodes(await client.gql('regulator', `query($id: ID!) { ${field}(id: $id) { id } }`, { id: 'nope' }))).toEqual([
          { code: 'BAD_USER_INPUT', reason: 'INVALID_ID' },
        ]);
      }
    });
  });

  describe('registering and retiring', () => {
    it('only platform admins register or retire models and offerings', async () => {
      const { modelId, offeringId } = await freshOffering(client, 'roles');
      for (const caller of NOT_PLATFORM_ADMINS) {
        const denied = [
          await client.gql(caller, REGISTER_MODEL, { input: modelInput(unique('denied')) }),
          await client.gql(caller, REGISTER_OFFERING, {
            input: { modelId, hosting: 'shared_infrastructure', region: 'KR', networkZone: 'internal', operator: 'x' },
          }),
          await client.gql(caller, 'mutation($id: ID!) { retireModel(id: $id, reason: "role check") { id } }', { id: modelId }),
          await client.gql(caller, 'mutation($id: ID!) { retireModelOffering(id: $id, reason: "role check") { id } }', { id: offeringId }),
        ];
        for (const response of denied) expect(errorCodes(response)).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
      }
      const rows = await superuserQuery(`select count(*)::int as n from models where name like 'denied-%'`);
      expect(rows[0].n).toBe(0);
    });

    it('registers a model and an offering, each with its audit record', async () => {
      const name = unique('mistral');
      const created = (
        await client.ok('platform-admin', REGISTER_MODEL, {
          input: modelInput(name, { kind: 'open', modalities: ['text', 'image'], priceInputPer1kTokensKrw: '0.1250', parameterCountBillions: 7.25 }),
        })
      ).registerModel;
      expect(created).toMatchObject({
        name,
        status: 'available',
        modalities: ['text', 'image'],
        priceInputPer1kTokensKrw: '0.125',
        parameterCountBillions: 7.25,
        retiredAt: null,
      });
      expect(await auditCount('model.register', created.id)).toBe(1);

      const offering = (
        await client.ok('platform-admin', REGISTER_OFFERING, {
          input: {
            modelId: created.id,
            hosting: 'cloud_commercial',
            region: 'kr',
            networkZone: 'internet',
            operator: 'Some Cloud (Seoul)',
            authorityConfirmation: { reference: 'FSC-TEST-1', expiresAt: '2030-01-01T00:00:00Z' },
          },
        })
      ).registerModelOffering;
      expect(offering).toMatchObject({
        hosting: 'cloud_commercial',
        region: 'KR',
        authorityConfirmation: { reference: 'FSC-TEST-1' },
        model: { id: created.id },
      });
      expect(await auditCount('offering.register', offering.id)).toBe(1);
    });

    it('gives a specific reason for each invalid registration and writes nothing', async () => {
      const before = { models: await auditCount('model.register'), offerings: await auditCount('offering.register') };
      const modelCases: [Record<string, unknown>, string, string][] = [
        [modelInput('llama-3.1-70b-instruct'), 'CONFLICT', 'MODEL_NAME_TAKEN'],
        [modelInput('bad name!'), 'BAD_USER_INPUT', 'INVALID_MODEL_NAME'],
        [modelInput(unique('m'), { contextWindow: 0 }), 'BAD_USER_INPUT', 'INVALID_CONTEXT_WINDOW'],
        [modelInput(unique('m'), { mmluScore: 101 }), 'BAD_USER_INPUT', 'INVALID_MMLU_SCORE'],
        [modelInput(unique('m'), { parameterCountBillions: -1 }), 'BAD_USER_INPUT', 'INVALID_PARAMETER_COUNT'],
        [modelInput(unique('m'), { priceOutputPer1kTokensKrw: '-3' }), 'BAD_USER_INPUT', 'INVALID_PRICE'],
        [modelInput(unique('m'), { modalities: [] }), 'BAD_USER_INPUT', 'INVALID_MODALITIES'],
        [modelInput(unique('m'), { licence: '   ' }), 'BAD_USER_INPUT', 'INVALID_TEXT_FIELD'],
      ];
      for (const [input, code, reason] of modelCases) {
        expect(errorCodes(await client.gql('platform-admin', REGISTER_MODEL, { input }))).toEqual([{ code, reason }]);
      }
      const { modelId } = await freshOffering(client, 'offering-errors');
      const offering = (extra: Record<string, unknown>) => ({
        modelId,
        hosting: 'shared_infrastructure',
        region: 'KR',
        networkZone: 'internal',
        operator: 'op',
        ...extra,
      });
      const offeringCases: [Record<string, unknown>, string, string][] = [
        [offering({ hosting: 'cloud_commercial', networkZone: 'internet' }), 'BAD_USER_INPUT', 'AUTHORITY_CONFIRMATION_REQUIRED'],
        [
          offering({ hosting: 'cloud_commercial', authorityConfirmation: { reference: 'FSC-OLD', expiresAt: '2020-01-01T00:00:00Z' } }),
          'BAD_USER_INPUT',
          'INVALID_AUTHORITY_CONFIRMATION',
        ],
        [offering({ region: 'KOR' }), 'BAD_USER_INPUT', 'INVALID_REGION'],
        [offering({ operator: '' }), 'BAD_USER_INPUT', 'INVALID_TEXT_FIELD'],
        [offering({ modelId: '00000000-0000-4000-8000-000000000000' }), 'BAD_USER_INPUT', 'UNKNOWN_MODEL'],
      ];
      for (const [input, code, reason] of offeringCases) {
        expect(errorCodes(await client.gql('platform-admin', REGISTER_OFFERING, { input }))).toEqual([{ code, reason }]);
      }
      // Two registrations succeeded (freshOffering); nothing else was written.
      expect(await auditCount('model.register')).toBe(before.models + 1);
      expect(await auditCount('offering.register')).toBe(before.offerings + 1);
      const rows = await superuserQuery(`select count(*)::int as n from model_offerings where model_id = $1`, [modelId]);
      expect(rows[0].n).toBe(1);
    });

    it('refuses to retire a model or offering that endpoints still use, until they are retired', async () => {
      const { modelId, offeringId } = await freshOffering(client, 'retire');
      const endpoint = (await client.ok('platform-admin', CREATE_ENDPOINT, { input: endpointInput(ids['gaon-securities'], offeringId) })).createEndpoint;
      const retireModel = 'mutation($id: ID!) { retireModel(id: $id, reason: "end of life") { id status retiredAt } }';
      const retireOffering = 'mutation($id: ID!) { retireModelOffering(id: $id, reason: "end of life") { id status } }';

      const refused = await client.gql('platform-admin', retireModel, { id: modelId });
      expect(errorCodes(refused)).toEqual([{ code: 'CONFLICT', reason: 'MODEL_HAS_ACTIVE_ENDPOINTS' }]);
      expect(refused.errors?.[0].extensions?.details).toMatchObject({ endpoints: 1 });
      expect(errorCodes(await client.gql('platform-admin', retireOffering, { id: offeringId }))).toEqual([
        { code: 'CONFLICT', reason: 'OFFERING_HAS_ACTIVE_ENDPOINTS' },
      ]);
      expect(await auditCount('model.retire', modelId)).toBe(0);

      await client.ok('platform-admin', CHANGE_STATE, { id: endpoint.id, state: 'retired', reason: 'not needed' });
      const retired = (await client.ok('platform-admin', retireModel, { id: modelId })).retireModel;
      expect(retired).toMatchObject({ id: modelId, status: 'retired' });
      expect(retired.retiredAt).not.toBeNull();
      expect(await auditCount('model.retire', modelId)).toBe(1);
      // Its offerings went with it; new endpoints and offerings on it are refused.
      const offering = await client.ok('regulator', `query($id: ID!) { modelOffering(id: $id) { status } }`, { id: offeringId });
      expect(offering.modelOffering.status).toBe('retired');
      expect(errorCodes(await client.gql('platform-admin', CREATE_ENDPOINT, { input: endpointInput(ids['gaon-securities'], offeringId) }))).toEqual([
        { code: 'CONFLICT', reason: 'OFFERING_RETIRED' },
      ]);
      expect(
        errorCodes(
          await client.gql('platform-admin', REGISTER_OFFERING, {
            input: { modelId, hosting: 'shared_infrastructure', region: 'KR', networkZone: 'internal', operator: 'x' },
          }),
        ),
      ).toEqual([{ code: 'CONFLICT', reason: 'MODEL_RETIRED' }]);
      expect(errorCodes(await client.gql('platform-admin', retireModel, { id: modelId }))).toEqual([{ code: 'CONFLICT', reason: 'MODEL_RETIRED' }]);
      const retiredOnly = await client.ok('hanbit-bank-analyst', '{ models(status: retired, first: 100) { edges { node { id } } } }');
      expect(retiredOnly.models.edges.map((edge: any) => edge.node.id)).toContain(modelId);
    });

    it('retiring an unused offering leaves its model available', async () => {
      const { modelId, offeringId } = await freshOffering(client, 'retire-offering');
      const retired = await client.ok(
        'platform-admin',
        'mutation($id: ID!) { retireModelOffering(id: $id, reason: "moved region") { status model { status } } }',
        { id: offeringId },
      );
      expect(retired.retireModelOffering).toEqual({ status: 'retired', model: { status: 'available' } });
      expect(await auditCount('offering.retire', offeringId)).toBe(1);
      const short = await client.gql('platform-admin', 'mutation($id: ID!) { retireModel(id: $id, reason: "x") { id } }', { id: modelId });
      expect(errorCodes(short)).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_REASON' }]);
    });
  });
});
