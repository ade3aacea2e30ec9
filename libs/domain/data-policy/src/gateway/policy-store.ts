import { RequestContext } from '@ai-commons/core';
import { CHANGES_CHANNEL, NotifiedReloader, changedTable, postgresChangeListener, type TenantDatabase } from '@ai-commons/database';
import { DEFAULT_POLICY, validateInstitutionPiiSettings, validatePolicyDocument, type InstitutionPiiSettings, type PolicyDocument } from '@ai-commons/policy';
import type { JsonLogger } from '@ai-commons/observability';

const LOAD_SCOPE = { kind: 'cross-tenant', access: 'system', reason: 'gateway data-handling policy' } as const;
const WATCHED_TABLES = new Set(['data_policy_versions', 'institution_pii_settings']);

export interface PolicySnapshot {
  policy: PolicyDocument;
  /** Where the policy came from: the database, or the built-in default when none is published. */
  source: 'published' | 'default';
  piiSettings: ReadonlyMap<string, InstitutionPiiSettings>;
  loadedAt: Date;
}

/** In force until a published policy loads: the built-in default, no institution's PII settings. */
const INITIAL_SNAPSHOT: PolicySnapshot = { policy: DEFAULT_POLICY, source: 'default', piiSettings: new Map(), loadedAt: new Date(0) };

/**
 * The data-handling policy in force and every institution's PII settings, in gateway memory: no
 * database round trip per request. Loaded in the platform's `system` scope, reloaded when the
 * database notifies `ai_commons_changes` for the policy tables, and periodically as a safety net.
 * A stored document that does not validate is ignored (the last good one stays in force).
 */
export class PolicyStore extends NotifiedReloader<PolicySnapshot> {
  constructor(
    private readonly db: TenantDatabase,
    listenUrl: string,
    refreshMs: number,
    private readonly logger: JsonLogger,
    private readonly policyId = DEFAULT_POLICY.policyId,
  ) {
    super({
      name: 'policy',
      listen: postgresChangeListener(listenUrl, CHANGES_CHANNEL),
      // A notification that names no table may be about anything.
      concerns: (payload) => {
        const table = changedTable(payload);
        return table === undefined || WATCHED_TABLES.has(table);
      },
      describe: (snapshot) => ({ version: snapshot.policy.version, source: snapshot.source, institutions: snapshot.piiSettings.size }),
      refreshMs,
      logger,
    });
  }

  snapshot(): PolicySnapshot {
    return this.current() ?? INITIAL_SNAPSHOT;
  }

  protected load(previous = INITIAL_SNAPSHOT): Promise<PolicySnapshot> {
    return RequestContext.run({ requestId: 'policy-load', tenantScope: LOAD_SCOPE }, () =>
      this.db.transaction(async (tx) => {
        const policyRows: { version: number; document: unknown }[] = await tx.query(
          'select version, document from data_policy_versions where policy_id = $1 order by version desc limit 1',
          [this.policyId],
        );
        let policy = previous.source === 'published' ? previous.policy : DEFAULT_POLICY;
        let source: PolicySnapshot['source'] = previous.source;
        if (policyRows.length) {
          const validation = validatePolicyDocument(policyRows[0].document);
          if (validation.ok) {
            policy = validation.policy;
            source = 'published';
          } else {
            this.logger.event('error', 'policy.invalid_document', { version: policyRows[0].version, errors: validation.errors.length });
          }
        } else {
          policy = DEFAULT_POLICY;
          source = 'default';
        }
        const settingRows: { tenant_id: string; settings: unknown }[] = await tx.query('select tenant_id, settings from institution_pii_settings');
        const piiSettings = new Map<string, InstitutionPiiSettings>();
        for (const row of settingRows) {
          const validation = validateInstitutionPiiSettings(row.settings);
          if (validation.ok) piiSettings.set(row.tenant_id, validation.settings);
          else this.logger.event('error', 'policy.invalid_pii_settings', { tenantId: row.tenant_id });
        }
        return { policy, source, piiSettings, loadedAt: new Date() };
      }),
    );
  }
}
