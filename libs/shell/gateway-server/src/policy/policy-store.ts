import { Client } from 'pg';
import { RequestContext } from '@ai-commons/core';
import type { TenantDatabase } from '@ai-commons/database';
import {
  DEFAULT_POLICY,
  validateInstitutionPiiSettings,
  validatePolicyDocument,
  type InstitutionPiiSettings,
  type PolicyDocument,
} from '@ai-commons/policy';
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

/**
 * The data-handling policy in force and every institution's PII settings, in gateway memory: no
 * database round trip per request. Loaded in the platform's `system` scope, reloaded when the
 * database notifies `ai_commons_changes` for the policy tables, and periodically as a safety net.
 * A stored document that does not validate is ignored (the last good one stays in force).
 */
export class PolicyStore {
  private current: PolicySnapshot = { policy: DEFAULT_POLICY, source: 'default', piiSettings: new Map(), loadedAt: new Date(0) };
  private listener?: Client;
  private refreshTimer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private reloading?: Promise<void>;
  private pendingReload = false;
  private closed = false;

  constructor(
    private readonly db: TenantDatabase,
    private readonly listenUrl: string,
    private readonly refreshMs: number,
    private readonly logger: JsonLogger,
    private readonly policyId = DEFAULT_POLICY.policyId,
  ) {}

  snapshot(): PolicySnapshot {
    return this.current;
  }

  async start(): Promise<void> {
    await this.reload();
    await this.listen();
    this.refreshTimer = setInterval(() => void this.reload().catch(() => undefined), this.refreshMs);
    this.refreshTimer.unref();
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearInterval(this.refreshTimer);
    clearTimeout(this.debounce);
    await this.listener?.end().catch(() => undefined);
    await this.reloading?.catch(() => undefined);
  }

  reload(): Promise<void> {
    if (this.reloading) {
      this.pendingReload = true;
      return this.reloading;
    }
    this.reloading = this.load()
      .then((snapshot) => {
        this.current = snapshot;
        this.logger.event('debug', 'policy.reloaded', { version: snapshot.policy.version, source: snapshot.source, institutions: snapshot.piiSettings.size });
      })
      .catch((error: unknown) => {
        this.logger.event('error', 'policy.reload_failed', { error: (error as Error).message });
        throw error;
      })
      .finally(() => {
        this.reloading = undefined;
        if (this.pendingReload && !this.closed) {
          this.pendingReload = false;
          void this.reload().catch(() => undefined);
        }
      });
    return this.reloading;
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.listenUrl });
    client.on('notification', (message) => {
      let table: string | undefined;
      try {
        table = (JSON.parse(message.payload ?? '{}') as { table?: string }).table;
      } catch {
        table = undefined;
      }
      if (table && !WATCHED_TABLES.has(table)) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.reload().catch(() => undefined), 20);
    });
    client.on('error', (error) => {
      this.logger.event('warn', 'policy.listen_lost', { error: error.message });
      this.listener = undefined;
      client.end().catch(() => undefined);
      setTimeout(() => void this.listen().then(() => this.reload()).catch(() => undefined), 1_000).unref();
    });
    try {
      await client.connect();
      await client.query('listen ai_commons_changes');
      this.listener = client;
    } catch (error) {
      this.logger.event('warn', 'policy.listen_failed', { error: (error as Error).message });
      setTimeout(() => void this.listen().then(() => this.reload()).catch(() => undefined), 2_000).unref();
    }
  }

  private load(): Promise<PolicySnapshot> {
    return RequestContext.run({ requestId: 'policy-load', tenantScope: LOAD_SCOPE }, () =>
      this.db.transaction(async (tx) => {
        const policyRows: { version: number; document: unknown }[] = await tx.query(
          'select version, document from data_policy_versions where policy_id = $1 order by version desc limit 1',
          [this.policyId],
        );
        let policy = this.current.source === 'published' ? this.current.policy : DEFAULT_POLICY;
        let source: PolicySnapshot['source'] = this.current.source;
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
