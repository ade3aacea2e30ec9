import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { assembleProof, consistencyProofPlan, inclusionProofPlan, rootFromNodeLookup, rootPlan, toHex, type SignedTreeHead } from '@ai-commons/audit-proofs';
import { AUDIT_ACTIONS, AUDIT_SINK, CROSS_TENANT_ROLES, RequestContext, hasAnyRole, isUuid, type AuditSink, type Principal } from '@ai-commons/core';
import { TenantScopes } from '@ai-commons/database';
import { AuditError } from '../audit-errors';
import { EVENT_COLUMNS, leafOf, storedEventFromRow, type AuditEventRow, type AuditOutcome, type StoredAuditEvent } from '../events/audit-event';
import { exportBundle, type BundleExportRequest, type ExportedBundle } from '../export/bundle-export';
import { AuditKeys } from '../keys/audit-keys';
import { signingKeyUsage } from '../storage/key-usage';
import { queryableOf } from '../storage/queryable';
import { fetchNodes, latestTreeHead, sequencedSize, treeHeadFromRow, treeHeadsPage, type TreeHeadRow } from '../storage/tree-store';
import { publishedPublicKeys, type PublishedPublicKey } from './published-public-keys';
import { playgroundCallRecords, REQUEST_ID, type PlaygroundCallRecord } from './playground-call';

export interface AuditEventFilter {
  institutionId?: string;
  actorSubject?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: AuditOutcome;
  from?: Date;
  to?: Date;
  newestFirst?: boolean;
}

export interface AuditEventPage {
  rows: StoredAuditEvent[];
  size: number;
}

export interface InclusionProofRecord {
  leafIndex: number;
  treeSize: number;
  /** Lowercase hex SHA-256(0x00 ‖ canonicalEvent). */
  leafHash: string;
  /** The RFC 8785 canonical JSON the leaf commits to. */
  canonicalEvent: string;
  proof: string[];
  treeHead: SignedTreeHead;
}

export interface AuditEventWithProof {
  event: StoredAuditEvent;
  /** Null until the event is sequenced and covered by a signed tree head. */
  inclusionProof: InclusionProofRecord | null;
}

export type { PublishedPublicKey } from './published-public-keys';

export interface ConsistencyProofRecord {
  fromSize: number;
  toSize: number;
  fromRootHash: string;
  toRootHash: string;
  proof: string[];
}

/**
 * The audit log's read side. Members read their own institution's events (RLS); regulators and
 * platform admins read all of them in the cross-tenant read mode, which the database layer audits
 * (`cross-tenant.access`, with the reason given here) — regulators' reads are in the log too.
 */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly scopes: TenantScopes,
    private readonly keys: AuditKeys,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  async list(principal: Principal, filter: AuditEventFilter, size: number, after?: unknown[]): Promise<AuditEventPage> {
    const institutionId = this.allowedInstitution(principal, filter.institutionId);
    return this.scopes.read(principal, `audit events ${describe({ ...filter, institutionId })}`, async (tx) => {
      const conditions: string[] = [];
      const parameters: unknown[] = [];
      const add = (sql: string, value: unknown) => {
        parameters.push(value);
        conditions.push(sql.replace('?', `$${parameters.length}`));
      };
      if (institutionId) add('e.tenant_id = ?::uuid', institutionId);
      if (filter.actorSubject) add('e.actor_subject = ?', filter.actorSubject);
      if (filter.action) add('e.action = ?', filter.action);
      if (filter.resourceType) add('e.resource_type = ?', filter.resourceType);
      if (filter.resourceId) add('e.resource_id = ?', filter.resourceId);
      if (filter.outcome) add('e.outcome = ?', filter.outcome);
      if (filter.from) add('e.occurred_at >= ?', filter.from);
      if (filter.to) add('e.occurred_at < ?', filter.to);
      const direction = filter.newestFirst ? 'desc' : 'asc';
      if (after) {
        const [at, id] = after;
        if (typeof at !== 'string' || typeof id !== 'string' || !isUuid(id) || Number.isNaN(Date.parse(at))) {
          throw new AuditError('INVALID_ID', 'The cursor is not one this server issued');
        }
        parameters.push(at, id);
        conditions.push(`(e.occurred_at, e.id) ${filter.newestFirst ? '<' : '>'} ($${parameters.length - 1}::timestamptz, $${parameters.length}::uuid)`);
      }
      parameters.push(size + 1);
      // Keyset pages read one ordered index and stop after size + 1 rows. The planner tends to
      // collect every match of the filter instead (bitmap scan, then sort), which grows with the log.
      await tx.query(
        `select set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true),
                set_config('max_parallel_workers_per_gather', '0', true)`,
      );
      const rows = (await tx.query(
        `select ${EVENT_COLUMNS}, l.leaf_index from audit_events e left join audit_leaves l on l.event_id = e.id
          ${conditions.length ? `where ${conditions.join(' and ')}` : ''}
          order by e.occurred_at ${direction}, e.id ${direction} limit $${parameters.length}`,
        parameters,
      )) as AuditEventRow[];
      return { rows: rows.map(storedEventFromRow), size };
    });
  }

  async get(principal: Principal, id: string): Promise<AuditEventWithProof> {
    if (!isUuid(id)) throw new AuditError('INVALID_ID', 'Not an audit event id');
    return this.scopes.read(principal, `audit event ${id} with inclusion proof`, async (tx) => {
      const query = queryableOf(tx);
      // The event, its leaf and the latest signed head in one round trip; the proof's stored hashes in a second.
      const [row] = await query<AuditEventRow & Partial<TreeHeadRow>>(
        `select ${EVENT_COLUMNS}, l.leaf_index, h.tree_size, h.signed_at, h.root_hash, h.key_id, h.signature
           from audit_events e left join audit_leaves l on l.event_id = e.id
           left join lateral (select * from audit_tree_heads order by tree_size desc, signed_at desc limit 1) h on true
          where e.id = $1`,
        [id],
      );
      if (!row) throw new AuditError('AUDIT_EVENT_NOT_FOUND', `No audit event ${id}`);
      const event = storedEventFromRow(row);
      const head = row.tree_size === undefined || row.tree_size === null ? null : treeHeadFromRow(row as TreeHeadRow);
      if (event.leafIndex === null || !head || event.leafIndex >= head.treeSize) return { event, inclusionProof: null };
      const plan = inclusionProofPlan(event.leafIndex, head.treeSize);
      const proof = assembleProof(plan, await fetchNodes(query, plan.nodes)).map(toHex);
      const leaf = leafOf(event, event.leafIndex);
      return {
        event,
        inclusionProof: {
          leafIndex: event.leafIndex,
          treeSize: head.treeSize,
          leafHash: toHex(leaf.hash),
          canonicalEvent: leaf.canonical,
          proof,
          treeHead: head,
        },
      };
    });
  }

  latestTreeHead(principal: Principal): Promise<SignedTreeHead | null> {
    return this.scopes.openRead(principal, 'latest audit tree head', (tx) => latestTreeHead(queryableOf(tx)));
  }

  /** The audit records of one of the caller's own playground calls (null: none, or not yet written). */
  playgroundCall(principal: Principal, requestId: string): Promise<PlaygroundCallRecord | null> {
    if (!REQUEST_ID.test(requestId)) throw new AuditError('INVALID_ID', 'requestId is not a gateway request id');
    return this.scopes.read(principal, `playground call ${requestId}`, (tx) => playgroundCallRecords(queryableOf(tx), principal.subject, requestId));
  }

  /** Signed tree heads, newest first (the supervisor's timeline); `after` is [signedAt, treeSize as text]. */
  treeHeads(principal: Principal, size: number, after?: unknown[], range: { from?: Date; to?: Date } = {}) {
    const position = after && { signedAt: String(after[0]), treeSize: Number(after[1]) };
    if (position && !/^\d{1,15}$/.test(String(after![1]))) throw new AuditError('INVALID_TREE_SIZE', 'The cursor names no tree size');
    if (range.from && range.to && range.from >= range.to) throw new AuditError('INVALID_TIME_RANGE', 'from must be before to');
    return this.scopes.openRead(principal, 'audit tree heads', (tx) => treeHeadsPage(queryableOf(tx), size, position, range));
  }

  /**
   * The current signing key and the retired ones, each with the tree heads it signed, then any key
   * id of stored heads the platform does not know (known: false, no key), so the whole history shows.
   */
  publicKeys(principal: Principal): Promise<PublishedPublicKey[]> {
    return this.scopes.openRead(principal, 'audit public keys', async (tx) =>
      publishedPublicKeys(this.keys.publicKeys, await signingKeyUsage(queryableOf(tx))),
    );
  }

  consistencyProof(principal: Principal, fromSize: number, toSize: number): Promise<ConsistencyProofRecord> {
    if (!Number.isSafeInteger(fromSize) || !Number.isSafeInteger(toSize) || fromSize < 0 || fromSize > toSize) {
      throw new AuditError('INVALID_TREE_SIZE', 'Need 0 ≤ fromSize ≤ toSize');
    }
    return this.scopes.openRead(principal, `audit consistency proof ${fromSize} → ${toSize}`, async (tx) => {
      const query = queryableOf(tx);
      const size = await sequencedSize(query);
      if (toSize > size) throw new AuditError('INVALID_TREE_SIZE', `The log has ${size} leaves`, { treeSize: size });
      const plan = consistencyProofPlan(fromSize, toSize);
      const nodes = await fetchNodes(query, [...plan.nodes, ...rootPlan(fromSize), ...rootPlan(toSize)]);
      return {
        fromSize,
        toSize,
        fromRootHash: toHex(rootFromNodeLookup(fromSize, nodes)),
        toRootHash: toHex(rootFromNodeLookup(toSize, nodes)),
        proof: assembleProof(plan, nodes).map(toHex),
      };
    });
  }

  /**
   * Writes an export bundle into `directory`. The export is authorized and logged first
   * (`audit.export`, visible to the institution exported; a regulator's also as
   * `cross-tenant.access`) in a short transaction. The bundle is then read in one read-only
   * transaction — in the platform's system scope for regulators and platform admins, whose access
   * is already decided and logged — because a transaction that holds a transaction id (as every
   * audited cross-tenant one does) would hold back the sequencer for as long as a large export runs.
   */
  async export(principal: Principal, request: BundleExportRequest, directory: string): Promise<ExportedBundle> {
    const institutionId = this.allowedInstitution(principal, request.institutionId ?? undefined) ?? null;
    const crossTenant = hasAnyRole(principal, CROSS_TENANT_ROLES);
    if (institutionId === null && !crossTenant) {
      throw new AuditError('WRONG_INSTITUTION', 'Only platform admins and regulators export every institution’s events');
    }
    const scoped = { ...request, institutionId };
    const reason = `audit export ${describe(scoped)}`;
    await this.scopes.read(principal, reason, (tx) =>
      this.audit.record(
        {
          action: AUDIT_ACTIONS.auditExport,
          resourceType: 'audit-log',
          resourceId: institutionId ?? undefined,
          tenantId: institutionId ?? undefined,
          outcome: 'success',
          details: { scope: institutionId === null ? 'full' : 'filtered', from: request.from.toISOString(), to: request.to.toISOString() },
        },
        tx,
      ),
    );
    const read = (tx: EntityManager) => exportBundle(queryableOf(tx), this.keys, scoped, directory);
    return crossTenant ? this.scopes.system(reason, read) : this.scopes.read(principal, reason, read);
  }

  /** Members may only name their own institution; a member's default is its own. */
  private allowedInstitution(principal: Principal, requested: string | undefined): string | undefined {
    if (requested !== undefined && !isUuid(requested)) throw new AuditError('INVALID_ID', 'institutionId is not an id');
    if (hasAnyRole(principal, CROSS_TENANT_ROLES)) return requested;
    const scope = RequestContext.current()?.tenantScope;
    const own = scope?.kind === 'tenant' ? scope.tenantId : undefined;
    if (requested !== undefined && requested !== own) {
      throw new AuditError('WRONG_INSTITUTION', 'Members read only their own institution’s audit events');
    }
    return own;
  }
}

function describe(filter: object): string {
  const parts = Object.entries(filter)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${key}=${value instanceof Date ? value.toISOString() : String(value)}`);
  return parts.length ? parts.join(' ') : '(all)';
}
