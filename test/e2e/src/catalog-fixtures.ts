import { randomBytes } from 'node:crypto';
import { graphqlRequest, serviceToken, userToken, withPg, type GraphQLResponse } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { e2eDatabase, startControlPlane } from './support/environment';

/** Shared set-up of the catalog integration tests (not a test file itself). */

export const USERS = [
  'platform-admin',
  'regulator',
  'hanbit-bank-admin',
  'hanbit-bank-analyst',
  'nuri-insurance-admin',
  'nuri-insurance-analyst',
  'gaon-securities-admin',
  'gaon-securities-analyst',
] as const;
export const SERVICE_ACCOUNTS = ['svc-hanbit-bank', 'svc-nuri-insurance'] as const;
export type Caller = (typeof USERS)[number] | (typeof SERVICE_ACCOUNTS)[number];

/** A demo-seeded control plane (institutions, catalog and endpoints); the prober is off unless asked. */
export function startCatalogControlPlane(env: Record<string, string> = {}): Promise<ControlPlane> {
  return startControlPlane({ SEED_DEMO_CONSORTIUM: 'true', CATALOG_HEALTH_PROBE_INTERVAL_MS: '0', ...env });
}

export class CatalogClient {
  private readonly tokens = new Map<string, string>();
  /** Raw text of every response body seen, to search for secrets. */
  readonly responses: string[] = [];

  constructor(private readonly url: () => string) {}

  async token(caller: Caller): Promise<string> {
    let token = this.tokens.get(caller);
    if (!token) {
      token = caller.startsWith('svc-') ? await serviceToken(caller) : await userToken(caller);
      this.tokens.set(caller, token);
    }
    return token;
  }

  async gql<T = any>(caller: Caller | undefined, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
    const token = caller ? await this.token(caller) : undefined;
    const response = await graphqlRequest<T>(this.url(), query, { token, variables });
    this.responses.push(JSON.stringify(response));
    return response;
  }

  /** The data of a response that must have succeeded. */
  async ok<T = any>(caller: Caller, query: string, variables?: Record<string, unknown>): Promise<T> {
    const response = await this.gql<T>(caller, query, variables);
    if (response.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
    return response.data as T;
  }
}

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function institutionIds(): Promise<Record<string, string>> {
  return withPg(e2eDatabase().superuserUrl, async (client) => {
    const rows = await client.query<{ id: string; slug: string }>('select id, slug from institutions');
    return Object.fromEntries(rows.rows.map((row) => [row.slug, row.id]));
  });
}

export function superuserQuery<T extends Record<string, any> = any>(sql: string, parameters: unknown[] = []): Promise<T[]> {
  return withPg(e2eDatabase().superuserUrl, async (client) => (await client.query<T>(sql, parameters)).rows);
}

export async function auditCount(action: string, resourceId?: string): Promise<number> {
  const rows = await superuserQuery<{ n: number }>('select count(*)::int as n from audit_events where action = $1 and ($2::text is null or resource_id = $2)', [
    action,
    resourceId ?? null,
  ]);
  return rows[0].n;
}

export const MODEL_FIELDS =
  'id name family kind provider licence parameterCountBillions contextWindow modalities mmluScore priceInputPer1kTokensKrw priceOutputPer1kTokensKrw status createdAt retiredAt';
export const OFFERING_FIELDS = 'id hosting region networkZone operator status authorityConfirmation { reference expiresAt } model { id name status }';
export const ENDPOINT_FIELDS = `id institutionId institutionSlug name isolationMode driver upstreamUrl upstreamModel azureDeployment azureApiVersion
  state health healthCheckedAt healthDetail hasCredential credentialRotatedAt createdAt updatedAt
  limits { maxRequestBytes maxOutputTokens defaultMaxTokens connectTimeoutMs firstByteTimeoutMs requestTimeoutMs }
  offering { id hosting model { name } }`;

export const REGISTER_MODEL = `mutation($input: RegisterModelInput!) { registerModel(input: $input) { ${MODEL_FIELDS} } }`;
export const REGISTER_OFFERING = `mutation($input: RegisterModelOfferingInput!) { registerModelOffering(input: $input) { ${OFFERING_FIELDS} } }`;
export const CREATE_ENDPOINT = `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { ${ENDPOINT_FIELDS} } }`;
export const CHANGE_STATE = `mutation($id: ID!, $state: EndpointState!, $reason: String!) {
  changeEndpointState(id: $id, state: $state, reason: $reason) { id state } }`;

export function modelInput(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    family: 'Test family',
    kind: 'open',
    provider: 'Test provider',
    licence: 'Apache-2.0',
    parameterCountBillions: 8,
    contextWindow: 8192,
    modalities: ['text'],
    mmluScore: 66.6,
    priceInputPer1kTokensKrw: '0.1',
    priceOutputPer1kTokensKrw: '0.2',
    ...extra,
  };
}

/** A fresh model with one shared-infrastructure offering, as a platform admin; returns the offering id. */
export async function freshOffering(client: CatalogClient, prefix = 'test-model'): Promise<{ modelId: string; offeringId: string }> {
  const model = await client.ok('platform-admin', REGISTER_MODEL, { input: modelInput(unique(prefix)) });
  const offering = await client.ok('platform-admin', REGISTER_OFFERING, {
    input: { modelId: model.registerModel.id, hosting: 'shared_infrastructure', region: 'KR', networkZone: 'internal', operator: 'test operator' },
  });
  return { modelId: model.registerModel.id, offeringId: offering.registerModelOffering.id };
}

export function endpointInput(institutionId: string, offeringId: string, extra: Record<string, unknown> = {}) {
  return {
    institutionId,
    name: unique('ep'),
    offeringId,
    isolationMode: 'shared_pool',
    driver: 'openai_compatible',
    upstreamUrl: 'http://127.0.0.1:9/',
    upstreamModel: 'test-upstream-model',
    ...extra,
  };
}
