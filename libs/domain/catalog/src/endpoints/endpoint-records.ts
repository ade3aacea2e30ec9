import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { CatalogError } from '../shared/catalog-errors';
import { toOfferingRecord } from '../offerings/offering-records';
import { EndpointTargetEntity } from '../targets/target.entity';
import type { EndpointTargetRecord } from '../targets/target.model';
import { EndpointEntity } from './endpoint.entity';
import type { EndpointRecord } from './endpoint.model';

/** Endpoints with their offering and model; never the credential columns (they are select: false). */
export function endpointQuery(tx: EntityManager): SelectQueryBuilder<EndpointEntity> {
  return tx.getRepository(EndpointEntity).createQueryBuilder('e').innerJoinAndSelect('e.offering', 'o').innerJoinAndSelect('o.model', 'm');
}

/** Slugs of the institutions visible in the transaction's scope, by id. */
export async function institutionSlugs(tx: EntityManager, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows: { id: string; slug: string }[] = await tx.query('select id, slug from institutions where id = any($1::uuid[])', [[...new Set(ids)]]);
  return new Map(rows.map((row) => [row.id, row.slug]));
}

/** The targets of the given endpoints (visible in the transaction's scope), oldest first, by endpoint id. */
async function targetsOf(tx: EntityManager, endpointIds: string[]): Promise<Map<string, EndpointTargetRecord[]>> {
  const byEndpoint = new Map<string, EndpointTargetRecord[]>();
  if (endpointIds.length === 0) return byEndpoint;
  const rows = await tx
    .getRepository(EndpointTargetEntity)
    .createQueryBuilder('t')
    .where('t.endpoint_id = any(:ids)', { ids: endpointIds })
    .orderBy('t.created_at', 'ASC')
    .addOrderBy('t.id', 'ASC')
    .getMany();
  for (const row of rows) {
    let list = byEndpoint.get(row.endpointId);
    if (!list) byEndpoint.set(row.endpointId, (list = []));
    list.push({
      id: row.id,
      endpointId: row.endpointId,
      url: row.url,
      weight: row.weight,
      state: row.state,
      health: row.health,
      healthCheckedAt: row.healthCheckedAt,
      healthDetail: row.healthDetail,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  }
  return byEndpoint;
}

function toEndpointRecord(row: EndpointEntity, slugs: Map<string, string>, targets: EndpointTargetRecord[]): EndpointRecord {
  if (!row.offering) throw new Error(`endpoint ${row.id} was loaded without its offering`);
  return {
    id: row.id,
    institutionId: row.tenantId,
    institutionSlug: slugs.get(row.tenantId) ?? null,
    name: row.name,
    offeringId: row.offeringId,
    offering: toOfferingRecord(row.offering),
    isolationMode: row.isolationMode,
    driver: row.driver,
    upstreamUrl: (targets.find((target) => target.state === 'active') ?? targets[0])?.url ?? null,
    targets,
    loadBalancing: row.loadBalancing,
    upstreamModel: row.upstreamModel,
    azureDeployment: row.azureDeployment,
    azureApiVersion: row.azureApiVersion,
    state: row.state,
    health: row.health,
    healthCheckedAt: row.healthCheckedAt,
    healthDetail: row.healthDetail,
    limits: {
      maxRequestBytes: row.maxRequestBytes,
      maxOutputTokens: row.maxOutputTokens,
      defaultMaxTokens: row.defaultMaxTokens,
      connectTimeoutMs: row.connectTimeoutMs,
      firstByteTimeoutMs: row.firstByteTimeoutMs,
      requestTimeoutMs: row.requestTimeoutMs,
      maxChoices: row.maxChoices,
      imageInputTokens: row.imageInputTokens,
    },
    allowedExtraFields: row.allowedExtraFields,
    hasCredential: row.credentialKeyId !== null,
    credentialRotatedAt: row.credentialRotatedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function toEndpointRecords(tx: EntityManager, rows: EndpointEntity[]): Promise<EndpointRecord[]> {
  const slugs = await institutionSlugs(
    tx,
    rows.map((row) => row.tenantId),
  );
  const targets = await targetsOf(
    tx,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toEndpointRecord(row, slugs, targets.get(row.id) ?? []));
}

export async function loadEndpoint(tx: EntityManager, id: string): Promise<EndpointRecord> {
  const row = await endpointQuery(tx).where('e.id = :id', { id }).getOne();
  if (!row) throw endpointNotFound(id);
  return (await toEndpointRecords(tx, [row]))[0];
}

export function endpointNotFound(id: string): CatalogError {
  return new CatalogError('ENDPOINT_NOT_FOUND', `No endpoint with id ${id}`, { id });
}
