import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, CurrentPrincipal, Roles } from '@ai-commons/auth';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import type { Principal } from '@ai-commons/core';
import { PageArgs, pageRequest, TIME_ID_CURSOR, toConnection } from '@ai-commons/graphql';
import type { StoredAuditEvent } from '../events/audit-event';
import { AuditKeys } from '../keys/audit-keys';
import { AuditLogService, type PublishedPublicKey } from '../read/audit-log.service';
import {
  AuditEventConnection,
  AuditEventFilterInput,
  AuditEventType,
  AuditEventWithProofType,
  AuditLogPublicKeyType,
  AuditPublicKeyType,
  ConsistencyProofArgs,
  ConsistencyProofType,
  PlaygroundCallType,
  SignedTreeHeadConnection,
  SignedTreeHeadType,
  TreeHeadRangeArgs,
} from './audit.types';

/** Tree-head cursors: the signing instant and the tree size (as text). */
const TREE_HEAD_CURSOR = ['timestamp', 'text'] as const;

/** Who reads audit events: tenant admins their institution's, platform admins and regulators all. */
export const AUDIT_READERS = ['tenant-admin', 'platform-admin', 'regulator'] as const;

@Resolver(() => AuditEventType)
export class AuditResolver {
  constructor(
    private readonly auditLog: AuditLogService,
    private readonly keys: AuditKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Roles(...AUDIT_READERS)
  @Query(() => AuditEventConnection, {
    description:
      "Audit events in time order (oldest first unless newestFirst): your institution's, or all for platform admins and regulators (whose reads are audited)",
  })
  async auditEvents(
    @CurrentPrincipal() principal: Principal,
    @Args() page: PageArgs,
    @Args('filter', { type: () => AuditEventFilterInput, nullable: true }) filter?: AuditEventFilterInput,
    @Args('newestFirst', { type: () => Boolean, nullable: true }) newestFirst?: boolean,
  ) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TIME_ID_CURSOR);
    const result = await this.auditLog.list(
      principal,
      {
        institutionId: filter?.institutionId ?? undefined,
        actorSubject: filter?.actor ?? undefined,
        action: filter?.action ?? undefined,
        resourceType: filter?.resourceType ?? undefined,
        resourceId: filter?.resourceId ?? undefined,
        outcome: filter?.outcome ?? undefined,
        from: filter?.from ?? undefined,
        to: filter?.to ?? undefined,
        newestFirst: newestFirst ?? false,
      },
      request.size,
      request.after,
    );
    const connection = toConnection(result.rows, result.size, (row: StoredAuditEvent) => [row.cursorTimestamp, row.id]);
    return { ...connection, edges: connection.edges.map((edge) => ({ ...edge, node: toGraphQL(edge.node) })) };
  }

  @Roles(...AUDIT_READERS)
  @Query(() => AuditEventWithProofType, { description: 'One audit event with its inclusion proof against the latest signed tree head' })
  async auditEvent(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    const found = await this.auditLog.get(principal, id);
    return { event: toGraphQL(found.event), inclusionProof: found.inclusionProof };
  }

  @Authenticated()
  @Query(() => SignedTreeHeadType, { nullable: true, description: 'The latest signed tree head of the audit log' })
  latestTreeHead(@CurrentPrincipal() principal: Principal) {
    return this.auditLog.latestTreeHead(principal);
  }

  @Roles('tenant-admin', 'tenant-member')
  @Query(() => PlaygroundCallType, { nullable: true, description: 'The policy decision and tokens charged of one of your own playground calls (console)' })
  playgroundCall(@CurrentPrincipal() principal: Principal, @Args('requestId') requestId: string) {
    return this.auditLog.playgroundCall(principal, requestId);
  }

  @Authenticated()
  @Query(() => SignedTreeHeadConnection, { description: 'Signed tree heads of the audit log, newest first (a timeline to check consistency between)' })
  async treeHeads(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs, @Args() range: TreeHeadRangeArgs) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TREE_HEAD_CURSOR);
    const rows = await this.auditLog.treeHeads(principal, request.size, request.after, { from: range.from ?? undefined, to: range.to ?? undefined });
    const connection = toConnection(rows, request.size, (row) => [row.signedAt, String(row.head.treeSize)]);
    return { ...connection, edges: connection.edges.map((edge) => ({ ...edge, node: edge.node.head })) };
  }

  @Authenticated()
  @Query(() => AuditPublicKeyType, { description: 'The Ed25519 key that signs tree heads' })
  auditPublicKey(): AuditPublicKeyType {
    return { pem: this.keys.publicKeyPem, base64: this.keys.publicKeyBase64, keyId: this.keys.keyId };
  }

  @Authenticated()
  @Query(() => [AuditLogPublicKeyType], {
    description: 'Every public key of the audit log — the current signing key and the keys it replaced — with the tree heads each signed',
  })
  async auditPublicKeys(@CurrentPrincipal() principal: Principal): Promise<AuditLogPublicKeyType[]> {
    return (await this.auditLog.publicKeys(principal)).map(toPublicKeyGraphQL);
  }

  @Authenticated()
  @Query(() => ConsistencyProofType, { description: 'Proof that the log of toSize leaves extends the log of fromSize leaves' })
  consistencyProof(@CurrentPrincipal() principal: Principal, @Args() args: ConsistencyProofArgs) {
    return this.auditLog.consistencyProof(principal, args.fromSize, args.toSize);
  }
}

function toPublicKeyGraphQL(key: PublishedPublicKey): AuditLogPublicKeyType {
  return {
    keyId: key.keyId,
    known: key.known,
    pem: key.pem,
    base64: key.base64,
    current: key.current,
    treeHeadCount: key.usage?.treeHeadCount ?? 0,
    firstTreeSize: key.usage?.firstTreeSize ?? null,
    lastTreeSize: key.usage?.lastTreeSize ?? null,
    firstSignedAt: key.usage?.firstSignedAt.toISOString() ?? null,
    lastSignedAt: key.usage?.lastSignedAt.toISOString() ?? null,
  };
}

function toGraphQL(event: StoredAuditEvent): AuditEventType {
  const actor = event.actor as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    ...event,
    outcome: event.outcome as AuditEventType['outcome'],
    actor: {
      subject: text(actor['subject']) ?? 'unknown',
      username: text(actor['username']),
      institutionId: text(actor['institutionId']),
      roles: Array.isArray(actor['roles']) ? actor['roles'].filter((role): role is string => typeof role === 'string') : [],
      clientId: text(actor['clientId']),
      authMethod: text(actor['authMethod']),
      sourceAddress: text(actor['sourceAddress']),
    },
    details: JSON.stringify(event.details),
  };
}
