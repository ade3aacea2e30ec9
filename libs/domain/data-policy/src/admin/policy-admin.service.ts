/* eslint-disable @typescript-eslint/no-explicit-any -- rows of raw SQL and GraphQL answers, read field by field */
import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_ACTIONS, AUDIT_SINK, RequestContext, adminScopeFor, type AuditSink, type Principal } from '@ai-commons/core';
import { TenantScopes, pgErrorCode } from '@ai-commons/database';
import {
  DEFAULT_POLICY,
  previewPolicy,
  validateInstitutionPiiSettings,
  validatePolicyDocument,
  validatePolicySuccession,
  type GatewayRequest,
  type PolicyDocument,
  type PolicyPreview,
} from '@ai-commons/policy';
import { DataPolicyError } from '../data-policy-errors';
import { institutionToRead } from './institution-to-read';

export interface PolicyVersionRecord {
  policyId: string;
  version: number;
  document: PolicyDocument;
  note: string | null;
  publishedBy: string;
  publishedAt: Date | null;
  /** False for the built-in default, in force while nothing is published. */
  published: boolean;
}

/**
 * Data-handling policy documents as data: immutable versions (the highest one is in force at every
 * gateway, which reloads on NOTIFY), published by platform admins, previewable against a sample
 * request; and each institution's PII detector settings.
 */
@Injectable()
export class PolicyAdminService {
  constructor(
    private readonly scopes: TenantScopes,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  async current(principal: Principal): Promise<PolicyVersionRecord> {
    return (await this.versions(principal))[0];
  }

  versions(principal: Principal): Promise<PolicyVersionRecord[]> {
    return this.scopes.read(principal, 'read data-handling policy versions', async (tx) => {
      const rows: Record<string, any>[] = await tx.query('select * from data_policy_versions where policy_id = $1 order by version desc', [
        DEFAULT_POLICY.policyId,
      ]);
      const published = rows.map((row) => ({
        policyId: row.policy_id,
        version: row.version,
        document: row.document,
        note: row.note,
        publishedBy: row.published_by,
        publishedAt: row.published_at,
        published: true,
      }));
      if (!published.some((row) => row.version === DEFAULT_POLICY.version)) {
        published.push({
          policyId: DEFAULT_POLICY.policyId,
          version: DEFAULT_POLICY.version,
          document: DEFAULT_POLICY,
          note: 'built-in default',
          publishedBy: 'ai-commons',
          publishedAt: null,
          published: false,
        });
      }
      return published;
    });
  }

  /** Publishes the next version: valid, same policyId, version = current + 1. */
  publish(principal: Principal, document: unknown, note?: string): Promise<PolicyVersionRecord> {
    const validation = validatePolicyDocument(document);
    if (!validation.ok) throw new DataPolicyError('POLICY_INVALID', 'The policy document is not valid', { errors: validation.errors });
    const policy = validation.policy;
    return this.scopes.admin(principal, `publish data-handling policy v${policy.version}`, async (tx) => {
      await tx.query('select pg_advisory_xact_lock(hashtext($1))', [policy.policyId]);
      const rows: { document: PolicyDocument }[] = await tx.query(
        'select document from data_policy_versions where policy_id = $1 order by version desc limit 1',
        [policy.policyId],
      );
      const current = rows[0]?.document ?? (policy.policyId === DEFAULT_POLICY.policyId ? DEFAULT_POLICY : undefined);
      const errors = validatePolicySuccession(current, policy);
      if (errors.length)
        throw new DataPolicyError('POLICY_VERSION_CONFLICT', errors.map((error) => error.message).join('; '), {
          errors,
          currentVersion: current?.version ?? null,
        });
      try {
        await tx.query('insert into data_policy_versions (policy_id, version, document, note, published_by) values ($1, $2, $3, $4, $5)', [
          policy.policyId,
          policy.version,
          JSON.stringify(policy),
          note ?? null,
          principal.subject,
        ]);
      } catch (error) {
        if (pgErrorCode(error) === '23505') throw new DataPolicyError('POLICY_VERSION_CONFLICT', `Version ${policy.version} is already published`);
        throw error;
      }
      await this.audit.record(
        {
          action: AUDIT_ACTIONS.dataPolicyPublish,
          resourceType: 'data-policy',
          resourceId: `${policy.policyId}@${policy.version}`,
          outcome: 'success',
          details: { version: policy.version, rules: policy.rules.map((rule) => rule.id), note: note ?? null },
        },
        tx,
      );
      return {
        policyId: policy.policyId,
        version: policy.version,
        document: policy,
        note: note ?? null,
        publishedBy: principal.subject,
        publishedAt: new Date(),
        published: true,
      };
    });
  }

  /** What the gateway would decide for a sample request under a draft (or the current) policy. */
  async preview(principal: Principal, document: unknown | undefined, sample: unknown, samplePrompt: string, now = new Date()): Promise<PolicyPreview> {
    let policy: PolicyDocument;
    if (document === undefined) policy = (await this.current(principal)).document;
    else {
      const validation = validatePolicyDocument(document);
      if (!validation.ok) throw new DataPolicyError('POLICY_INVALID', 'The policy document is not valid', { errors: validation.errors });
      policy = validation.policy;
    }
    if (!sample || typeof sample !== 'object') throw new DataPolicyError('INVALID_SAMPLE', 'The sample request must be a JSON object');
    const raw = sample as Record<string, any>;
    const endpoint = raw['endpoint'] ?? {};
    const request: GatewayRequest = {
      ...raw,
      endpoint: {
        ...endpoint,
        authorityConfirmation: endpoint.authorityConfirmation
          ? { reference: String(endpoint.authorityConfirmation.reference ?? ''), expiresAt: new Date(endpoint.authorityConfirmation.expiresAt) }
          : undefined,
      },
    } as GatewayRequest;
    return previewPolicy(policy, request, samplePrompt, now);
  }

  /** An institution's PII settings ({} and revision 0 before any are set): tenant admins their own. */
  piiSettings(principal: Principal, institutionId: string | undefined): Promise<{ institutionId: string; settings: unknown; revision: number }> {
    const target = institutionToRead(principal, institutionId);
    return this.scopes.read(principal, `read PII settings of ${target}`, async (tx) => {
      const institutions: unknown[] = await tx.query('select 1 from institutions where id = $1', [target]);
      if (!institutions.length) throw new DataPolicyError('INSTITUTION_NOT_FOUND', `No institution with id ${target}`, { institutionId: target });
      const rows: { settings: unknown; revision: number }[] = await tx.query('select settings, revision from institution_pii_settings where tenant_id = $1', [
        target,
      ]);
      return { institutionId: target, settings: rows[0]?.settings ?? {}, revision: rows[0]?.revision ?? 0 };
    });
  }

  /** Tenant admins set their own institution's settings; platform admins any institution's. */
  setPiiSettings(
    principal: Principal,
    institutionId: string | undefined,
    settings: unknown,
  ): Promise<{ institutionId: string; settings: unknown; revision: number }> {
    const validation = validateInstitutionPiiSettings(settings);
    if (!validation.ok) throw new DataPolicyError('PII_SETTINGS_INVALID', 'The PII settings are not valid', { errors: validation.errors });
    const scope = RequestContext.current()?.tenantScope;
    const target = institutionId ?? (scope?.kind === 'tenant' ? scope.tenantId : undefined);
    if (!target) throw new DataPolicyError('TENANT_SCOPE_REQUIRED', 'Name the institution');
    const useScope = principal.roles.includes('platform-admin') ? adminScopeFor(principal, `set PII settings of ${target}`) : scope;
    if (!useScope || (useScope.kind === 'tenant' && useScope.tenantId !== target))
      throw new DataPolicyError('TENANT_SCOPE_REQUIRED', "Only your own institution's settings");
    return this.scopes.in(useScope, async (tx) => {
      // Found before the insert: an unknown institution is NOT_FOUND, not a foreign-key violation.
      const institutions: unknown[] = await tx.query('select 1 from institutions where id = $1', [target]);
      if (!institutions.length) throw new DataPolicyError('INSTITUTION_NOT_FOUND', `No institution with id ${target}`, { institutionId: target });
      const rows: { revision: number }[] = await tx.query(
        `insert into institution_pii_settings (tenant_id, settings, updated_by) values ($1, $2, $3)
         on conflict (tenant_id) do update set settings = excluded.settings, updated_by = excluded.updated_by, updated_at = now(), revision = institution_pii_settings.revision + 1
         returning revision`,
        [target, JSON.stringify(validation.settings), principal.subject],
      );
      await this.audit.record(
        {
          action: AUDIT_ACTIONS.dataPolicyPiiSettingsSet,
          resourceType: 'institution',
          resourceId: target,
          tenantId: target,
          outcome: 'success',
          details: { settings: validation.settings, revision: rows[0].revision },
        },
        tx,
      );
      return { institutionId: target, settings: validation.settings, revision: rows[0].revision };
    });
  }
}
