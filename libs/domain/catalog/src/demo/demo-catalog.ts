import { RequestContext, SYSTEM_PRINCIPAL } from '@ai-commons/core';
import { DEMO_INSTITUTIONS, type InstitutionService } from '@ai-commons/tenancy';
import type { EndpointService } from '../endpoints/endpoint.service';
import type { IsolationMode } from '../endpoints/endpoint.model';
import type { RegisterModelCommand } from '../models/model.model';
import type { ModelService } from '../models/model.service';
import type { Hosting, NetworkZone } from '../offerings/offering.model';
import type { OfferingService } from '../offerings/offering.service';

export const DEMO_MODELS: RegisterModelCommand[] = [
  {
    name: 'llama-3.1-70b-instruct',
    family: 'Llama 3.1',
    kind: 'open',
    provider: 'Meta',
    licence: 'Llama 3.1 Community License',
    parameterCountBillions: 70,
    contextWindow: 128_000,
    modalities: ['text'],
    mmluScore: 83.6,
    priceInputPer1kTokensKrw: '0.4',
    priceOutputPer1kTokensKrw: '0.6',
  },
  {
    name: 'exaone-3.5-32b',
    family: 'EXAONE 3.5',
    kind: 'open',
    provider: 'LG AI Research',
    licence: 'EXAONE AI Model License',
    parameterCountBillions: 32,
    contextWindow: 32_768,
    modalities: ['text'],
    mmluScore: 78.3,
    priceInputPer1kTokensKrw: '0.3',
    priceOutputPer1kTokensKrw: '0.5',
  },
  {
    name: 'gpt-4o',
    family: 'GPT-4o',
    kind: 'commercial',
    provider: 'OpenAI via Microsoft Azure',
    licence: 'Microsoft Azure OpenAI Service terms',
    parameterCountBillions: null,
    contextWindow: 128_000,
    modalities: ['text', 'image'],
    mmluScore: 88.7,
    priceInputPer1kTokensKrw: '3.5',
    priceOutputPer1kTokensKrw: '14',
  },
];

interface DemoOffering {
  model: string;
  hosting: Hosting;
  region: string;
  networkZone: NetworkZone;
  operator: string;
  authorityConfirmation?: { reference: string; expiresAt: Date };
}

export const DEMO_OFFERINGS: DemoOffering[] = [
  { model: 'llama-3.1-70b-instruct', hosting: 'shared-infrastructure', region: 'KR', networkZone: 'internal', operator: 'ai-commons consortium' },
  { model: 'exaone-3.5-32b', hosting: 'dedicated-on-premises', region: 'KR', networkZone: 'internal', operator: 'ai-commons consortium' },
  {
    model: 'gpt-4o',
    hosting: 'cloud-commercial',
    region: 'KR',
    networkZone: 'internet',
    operator: 'Microsoft Azure (Korea Central)',
    authorityConfirmation: { reference: 'FSC-2026-0142', expiresAt: new Date('2027-06-30T23:59:59+09:00') },
  },
];

interface DemoEndpoint {
  institution: string;
  name: string;
  model: string;
  isolationMode: IsolationMode;
  upstreamModel: string;
}

/** Every member gets the shared Llama; Hanbit Bank also a dedicated EXAONE and GPT-4o (simulated Azure). */
export const DEMO_ENDPOINTS: DemoEndpoint[] = [
  ...DEMO_INSTITUTIONS.map((institution) => ({
    institution: institution.slug,
    name: 'llama-3.1-70b',
    model: 'llama-3.1-70b-instruct',
    isolationMode: 'shared-pool' as const,
    upstreamModel: 'llama-3.1-70b-instruct',
  })),
  { institution: 'hanbit-bank', name: 'exaone-3.5-32b', model: 'exaone-3.5-32b', isolationMode: 'dedicated', upstreamModel: 'exaone-3.5-32b' },
  { institution: 'hanbit-bank', name: 'gpt-4o', model: 'gpt-4o', isolationMode: 'shared-pool', upstreamModel: 'gpt-4o' },
];

/** The demo upstream key of one endpoint (the simulator accepts any; each is distinct). */
export function demoUpstreamCredential(institutionSlug: string, endpointName: string): string {
  return `demo-upstream-key-${institutionSlug}-${endpointName}`;
}

export interface DemoCatalogServices {
  institutions: InstitutionService;
  models: ModelService;
  offerings: OfferingService;
  endpoints: EndpointService;
}

export interface DemoCatalogSeedResult {
  models: string[];
  offerings: string[];
  endpoints: string[];
}

/**
 * Creates what is missing of the demo catalog and endpoints (after `seedDemoConsortium`), through
 * the services as the system principal, so everything is validated and audited. Idempotent.
 */
export async function seedDemoCatalog(services: DemoCatalogServices, simulatorUrl: string): Promise<DemoCatalogSeedResult> {
  const principal = SYSTEM_PRINCIPAL;
  return RequestContext.run({ requestId: 'seed-catalog', principal }, async () => {
    const created: DemoCatalogSeedResult = { models: [], offerings: [], endpoints: [] };

    const models = new Map<string, string>();
    for (const demo of DEMO_MODELS) {
      const existing = (await services.models.list(principal, {}, 100)).rows.find((row) => row.name === demo.name);
      models.set(demo.name, existing?.id ?? (await services.models.register(principal, demo)).id);
      if (!existing) created.models.push(demo.name);
    }

    const offerings = new Map<string, string>();
    for (const demo of DEMO_OFFERINGS) {
      const modelId = models.get(demo.model)!;
      const existing = (await services.offerings.list(principal, { modelId, hosting: demo.hosting, region: demo.region }, 100)).rows.find(
        (row) => row.networkZone === demo.networkZone && row.operator === demo.operator && row.status === 'available',
      );
      if (existing) {
        offerings.set(demo.model, existing.id);
        continue;
      }
      const { model: _model, ...command } = demo;
      offerings.set(demo.model, (await services.offerings.register(principal, { ...command, modelId })).id);
      created.offerings.push(`${demo.model}@${demo.hosting}`);
    }

    const institutions = new Map((await services.institutions.list(principal, {}, 100)).rows.map((row) => [row.slug, row.id]));
    for (const demo of DEMO_ENDPOINTS) {
      const institutionId = institutions.get(demo.institution);
      if (!institutionId) continue;
      const existing = await services.endpoints.list(principal, { institutionId, name: demo.name }, 1);
      if (existing.rows.length > 0) continue;
      const endpoint = await services.endpoints.create(principal, {
        institutionId,
        name: demo.name,
        offeringId: offerings.get(demo.model)!,
        isolationMode: demo.isolationMode,
        driver: 'openai-compatible',
        upstreamUrl: simulatorUrl,
        upstreamModel: demo.upstreamModel,
        credential: demoUpstreamCredential(demo.institution, demo.name),
      });
      await services.endpoints.changeState(principal, endpoint.id, 'active', 'demo endpoint');
      created.endpoints.push(`${demo.institution}/${demo.name}`);
    }
    return created;
  });
}
