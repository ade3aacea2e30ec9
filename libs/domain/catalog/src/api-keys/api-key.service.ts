import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AUDIT_ACTIONS, AUDIT_SINK, type AuditSink, type Principal, isUuid } from '@ai-commons/core';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import { pgConstraint, pgErrorCode, TenantScopes } from '@ai-commons/database';
import type { DataClassification } from '@ai-commons/tenancy';
import { auditSuccess } from '../shared/audit-writer';
import { CatalogError } from '../shared/catalog-errors';
import { millisecondsOf } from '../shared/keyset';
import type { Page } from '../shared/page';
import { apiKeyPrefix, generateApiKeySecret, hashApiKey } from './api-key-secret';
import { ApiKeyEntity } from './api-key.entity';
import type { ApiKeyFilter, ApiKeyRecord, CreateApiKeyCommand, CreatedApiKey } from './api-key.model';
import { assertWithinCeiling, unknownEndpoint, validApiKeyName, validEndpointScope, validExpiry } from './api-key-validation';

/** How long a playground key lives: long enough to try a few prompts, short enough not to be a credential. */
export const PLAYGROUND_KEY_TTL_MS = 15 * 60_000;
/** Playground keys are named `playground:<subject>:<ms>` (the audit read of their calls relies on it). */
export const PLAYGROUND_KEY_PREFIX = 'playground:';

/**
 * API keys for the gateway. Tenant admins create and revoke their institution's keys in their own
 * tenant scope (RLS); platform admins and regulators list every institution's. The secret is
 * returned once by `create` and stored only as its SHA-256 hash.
 */
@Injectable()
export class ApiKeyService {
  constructor(
    private readonly scopes: TenantScopes,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'API_KEYS_MAX_ACTIVE_PER_INSTITUTION'>,
  ) {}

  list(principal: Principal, filter: ApiKeyFilter, size: number, after?: unknown[], now = new Date()): Promise<Page<ApiKeyRecord>> {
    if (filter.institutionId !== undefined && !isUuid(filter.institutionId)) return Promise.resolve({ rows: [], size });
    return this.scopes.read(principal, 'list API keys', async (tx) => {
      const query = tx
        .getRepository(ApiKeyEntity)
        .createQueryBuilder('k')
        .orderBy(millisecondsOf('k.created_at'), 'ASC')
        .addOrderBy('k.id', 'ASC')
        .limit(size + 1);
      if (filter.institutionId) query.andWhere('k.tenant_id = :tenantId', { tenantId: filter.institutionId });
      if (filter.status === 'revoked') query.andWhere('k.revoked_at is not null');
      if (filter.status === 'expired') query.andWhere('k.revoked_at is null and k.expires_at <= :now', { now });
      if (filter.status === 'active') {
        query.andWhere('k.revoked_at is null and (k.expires_at is null or k.expires_at > :now)', { now });
      }
      if (after) query.andWhere(`(${millisecondsOf('k.created_at')}, k.id) > (:at, :afterId)`, { at: String(after[0]), afterId: String(after[1]) });
      return { rows: (await query.getMany()).map(toApiKeyRecord), size };
    });
  }

  get(principal: Principal, id: string): Promise<ApiKeyRecord> {
    if (!isUuid(id)) throw apiKeyNotFound(id);
    return this.scopes.read(principal, `read API key ${id}`, async (tx) => {
      const row = await tx.getRepository(ApiKeyEntity).findOneBy({ id });
      if (!row) throw apiKeyNotFound(id);
      return toApiKeyRecord(row);
    });
  }

  create(principal: Principal, command: CreateApiKeyCommand, now = new Date()): Promise<CreatedApiKey> {
    const name = validApiKeyName(command.name);
    if (name.startsWith(PLAYGROUND_KEY_PREFIX)) {
      throw new CatalogError('INVALID_API_KEY_NAME', `Names starting with "${PLAYGROUND_KEY_PREFIX}" are the console playground's`);
    }
    const endpointIds = validEndpointScope(command.endpointIds);
    const expiresAt = validExpiry(command.expiresAt, now);
    const classification: DataClassification = command.defaultClassification ?? 'internal';
    const useCaseId = validUseCaseRef(command.useCaseId);
    return this.scopes.tenant(async (tx, tenantId) => {
      assertWithinCeiling(classification, await institutionCeiling(tx, tenantId));
      await assertUseCaseBinding(tx, tenantId, useCaseId);
      if (endpointIds) await assertOwnEndpoints(tx, endpointIds);
      await assertBelowActiveKeyLimit(tx, tenantId, this.config.API_KEYS_MAX_ACTIVE_PER_INSTITUTION);
      return this.insert(tx, tenantId, principal, { name, endpointIds, defaultClassification: classification, useCaseId, expiresAt });
    }, tenantScopeRequired);
  }

  /**
   * The console playground's key: the caller's institution's, for PLAYGROUND_KEY_TTL_MS, internal
   * classification, optionally bound to one of its use cases. Each person holds at most one: minting
   * a new one revokes their previous. Tenant members may mint it (it lets them do, briefly, what the
   * institution's developers do with its keys); it counts against the institution's key limit.
   */
  createPlaygroundKey(principal: Principal, useCaseRef: string | null | undefined, now = new Date()): Promise<CreatedApiKey> {
    const useCaseId = validUseCaseRef(useCaseRef);
    const expiresAt = new Date(now.getTime() + PLAYGROUND_KEY_TTL_MS);
    return this.scopes.tenant(async (tx, tenantId) => {
      await assertUseCaseBinding(tx, tenantId, useCaseId);
      await tx.query(`select pg_advisory_xact_lock(hashtextextended('ai-commons:api-keys:' || $1, 0))`, [tenantId]);
      const replaced: { id: string }[] = await tx.query(
        `with revoked as (
           update api_keys set revoked_at = now()
            where tenant_id = $1 and created_by = $2 and name like $3 and revoked_at is null and (expires_at is null or expires_at > now())
           returning id)
         select id from revoked`,
        [tenantId, principal.subject, `${PLAYGROUND_KEY_PREFIX}%`],
      );
      await assertBelowActiveKeyLimit(tx, tenantId, this.config.API_KEYS_MAX_ACTIVE_PER_INSTITUTION);
      const name = `${PLAYGROUND_KEY_PREFIX}${principal.subject}:${now.getTime()}`;
      return this.insert(
        tx,
        tenantId,
        principal,
        { name, endpointIds: null, defaultClassification: 'internal', useCaseId, expiresAt },
        {
          playground: true,
          replaced: replaced.map((row) => row.id),
        },
      );
    }, tenantScopeRequired);
  }

  private async insert(
    tx: EntityManager,
    tenantId: string,
    principal: Principal,
    key: { name: string; endpointIds: string[] | null; defaultClassification: DataClassification; useCaseId: string | null; expiresAt: Date | null },
    auditDetails: Record<string, unknown> = {},
  ): Promise<CreatedApiKey> {
    const { name, endpointIds, defaultClassification, useCaseId, expiresAt } = key;
    const secret = generateApiKeySecret();
    const id = randomUUID();
    try {
      await tx.getRepository(ApiKeyEntity).insert({
        tenantId,
        id,
        name,
        keyPrefix: apiKeyPrefix(secret),
        secretHash: hashApiKey(secret),
        endpointIds,
        defaultClassification,
        useCaseId,
        expiresAt,
        createdBy: principal.subject,
      });
    } catch (error) {
      if (pgErrorCode(error) === '23505' && pgConstraint(error) === 'api_keys_name_key') {
        throw new CatalogError('API_KEY_NAME_TAKEN', `The institution already has an API key named "${name}"`, { name });
      }
      throw error;
    }
    const row = await tx.getRepository(ApiKeyEntity).findOneByOrFail({ id });
    await auditSuccess(this.audit, tx, {
      action: AUDIT_ACTIONS.apiKeyCreate,
      resourceType: 'api-key',
      resourceId: id,
      tenantId,
      details: { name, keyPrefix: row.keyPrefix, endpointIds, defaultClassification, useCaseId, expiresAt: expiresAt?.toISOString() ?? null, ...auditDetails },
    });
    return { apiKey: toApiKeyRecord(row), secret };
  }

  revoke(principal: Principal, id: string): Promise<ApiKeyRecord> {
    if (!isUuid(id)) throw apiKeyNotFound(id);
    return this.scopes.tenant(async (tx, tenantId) => {
      const repository = tx.getRepository(ApiKeyEntity);
      const row = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw apiKeyNotFound(id);
      if (row.revokedAt !== null) {
        throw new CatalogError('API_KEY_ALREADY_REVOKED', `API key ${row.keyPrefix}… was revoked at ${row.revokedAt.toISOString()}`, {
          id,
          revokedAt: row.revokedAt.toISOString(),
        });
      }
      await tx.query('update api_keys set revoked_at = now() where tenant_id = $1 and id = $2', [tenantId, id]);
      await auditSuccess(this.audit, tx, {
        action: AUDIT_ACTIONS.apiKeyRevoke,
        resourceType: 'api-key',
        resourceId: id,
        tenantId,
        details: { name: row.name, keyPrefix: row.keyPrefix, revokedBy: principal.subject },
      });
      return toApiKeyRecord(await repository.findOneByOrFail({ id }));
    }, tenantScopeRequired);
  }
}

function validUseCaseRef(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (!isUuid(value)) throw new CatalogError('UNKNOWN_USE_CASE', "useCaseId must be the id of one of the institution's use cases", { field: 'useCaseId' });
  return value.toLowerCase();
}

/**
 * A key is bound to one of the institution's own use cases (RLS hides the others'), one that can
 * still be approved or serve; once the institution enforces the register, a key needs one.
 */
async function assertUseCaseBinding(tx: EntityManager, tenantId: string, useCaseId: string | null): Promise<void> {
  if (useCaseId === null) {
    const rows: { mode: string }[] = await tx.query('select use_case_enforcement as mode from institutions where id = $1', [tenantId]);
    if (rows[0]?.mode !== 'report-only') {
      throw new CatalogError('USE_CASE_REQUIRED', "The institution enforces the AI use-case register: give the key's useCaseId", { field: 'useCaseId' });
    }
    return;
  }
  const rows: { state: string }[] = await tx.query('select state from use_cases where id = $1 for key share', [useCaseId]);
  if (rows.length === 0) throw new CatalogError('UNKNOWN_USE_CASE', `The institution has no use case ${useCaseId}`, { field: 'useCaseId', useCaseId });
  if (rows[0].state === 'withdrawn' || rows[0].state === 'rejected') {
    throw new CatalogError('USE_CASE_CLOSED', `Use case ${useCaseId} is ${rows[0].state}`, { useCaseId, state: rows[0].state });
  }
}

async function institutionCeiling(tx: EntityManager, tenantId: string): Promise<DataClassification> {
  const rows: { ceiling: DataClassification }[] = await tx.query('select data_classification_ceiling as ceiling from institutions where id = $1', [tenantId]);
  // Authentication resolved the institution; RLS shows the caller its own row.
  return rows[0]?.ceiling ?? 'public';
}

/**
 * An institution holds at most `limit` active keys (each one is a credential in every gateway's
 * memory). Concurrent creations of one institution are serialised by a transaction-scoped advisory
 * lock, so two cannot both see room for one more.
 */
async function assertBelowActiveKeyLimit(tx: EntityManager, tenantId: string, limit: number): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtextextended('ai-commons:api-keys:' || $1, 0))`, [tenantId]);
  const [{ active }]: { active: number }[] = await tx.query(
    'select count(*)::int as active from api_keys where tenant_id = $1 and revoked_at is null and (expires_at is null or expires_at > now())',
    [tenantId],
  );
  if (active >= limit) {
    throw new CatalogError(
      'API_KEY_LIMIT_REACHED',
      `The institution already has ${active} active API keys, the most it may hold (${limit}); revoke one first`,
      { limit, active },
    );
  }
}

/** Every id must be an endpoint visible in the tenant scope (RLS hides other institutions'). */
async function assertOwnEndpoints(tx: EntityManager, ids: string[]): Promise<void> {
  const rows: { id: string; state: string }[] = await tx.query('select id, state from endpoints where id = any($1::uuid[])', [ids]);
  const found = new Map(rows.map((row) => [row.id, row.state]));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw unknownEndpoint(missing);
  const retired = ids.filter((id) => found.get(id) === 'retired');
  if (retired.length > 0) {
    throw new CatalogError('ENDPOINT_RETIRED', 'endpointIds names a retired endpoint', { endpointIds: retired });
  }
}

export function toApiKeyRecord(row: ApiKeyEntity): ApiKeyRecord {
  return {
    id: row.id,
    institutionId: row.tenantId,
    name: row.name,
    keyPrefix: row.keyPrefix,
    endpointIds: row.endpointIds,
    defaultClassification: row.defaultClassification,
    useCaseId: row.useCaseId ?? null,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

export function apiKeyNotFound(id: string): CatalogError {
  return new CatalogError('API_KEY_NOT_FOUND', `No API key with id ${id}`, { id });
}

function tenantScopeRequired(): CatalogError {
  return new CatalogError('TENANT_SCOPE_REQUIRED', 'Only members acting for their institution may do this');
}
