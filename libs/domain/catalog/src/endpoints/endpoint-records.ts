import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { toOfferingRecord } from '../offerings/offering-records';
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

export function toEndpointRecord(row: EndpointEntity, slugs: Map<string, string>): EndpointRecord {
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
    upstreamUrl: row.upstreamUrl,
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
  return rows.map((row) => toEndpointRecord(row, slugs));
}
