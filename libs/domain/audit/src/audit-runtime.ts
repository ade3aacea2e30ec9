import type { AppConfig } from '@ai-commons/config';
import type { TenantDatabase } from '@ai-commons/database';
import { SILENT_LOGGER, type AuditLogger } from './audit-logger';
import { GatewayAuditHooks } from './gateway/gateway-audit-hooks';
import { AuditKeys } from './keys/audit-keys';
import { AuditSequencer } from './sequencer/audit-sequencer';
import { AuditBatchWriter } from './writer/audit-batch-writer';
import { AuthenticationFailures } from './authentication-failures/authentication-failures';

/** The audit log's background parts in one server process. */
export interface AuditRuntime {
  keys: AuditKeys;
  /** Group-committed writer for records outside business transactions. */
  writer: AuditBatchWriter;
  /** Undefined when AUDIT_SEQUENCER_ENABLED is false. */
  sequencer?: AuditSequencer;
  /** Aggregated authentication failures (one event per source, reason, route and window) and the per-source brake. */
  authenticationFailures: AuthenticationFailures;
  /** Hands the open failure window to the writer, writes what is queued and stops the sequencer (releasing its lock). */
  stop(): Promise<void>;
}

export interface AuditRuntimeOptions {
  config: AppConfig;
  /** Not used by the runtime itself any more (it has its own connections); kept for callers. */
  db?: TenantDatabase;
  logger?: AuditLogger;
  keys?: AuditKeys;
  applicationName: string;
  /** Names the service in aggregated authentication failures (`resourceType`). */
  service: 'control-plane' | 'gateway';
  /** Clock of the failure windows and the per-source brake (tests). */
  clock?: () => number;
}

/** Starts the batch writer and (if enabled) the sequencer of a control plane or gateway. */
export function startAuditRuntime({ config, logger = SILENT_LOGGER, keys, applicationName, service, clock }: AuditRuntimeOptions): AuditRuntime {
  const auditKeys = keys ?? AuditKeys.fromConfig(config);
  const writer = AuditBatchWriter.forConnection(config.DATABASE_APP_URL, {
    flushMs: config.AUDIT_WRITE_FLUSH_MS,
    groupCommitWindowMs: config.AUDIT_GROUP_COMMIT_WINDOW_MS,
    logger,
    applicationName: `${applicationName}-audit-writer`,
  });
  writer.start();
  const sequencer = config.AUDIT_SEQUENCER_ENABLED
    ? new AuditSequencer({
        connectionString: config.DATABASE_APP_URL,
        signingKey: auditKeys.signingKey,
        intervalMs: config.AUDIT_SEQUENCER_INTERVAL_MS,
        treeHeadIntervalMs: config.AUDIT_TREE_HEAD_INTERVAL_MS,
        heartbeatMs: config.AUDIT_TREE_HEAD_HEARTBEAT_MS,
        logger,
        applicationName: `${applicationName}-audit-sequencer`,
      })
    : undefined;
  sequencer?.start();
  const authenticationFailures = AuthenticationFailures.fromConfig(writer, service, config, clock);
  authenticationFailures.recorder.start();
  return {
    keys: auditKeys,
    writer,
    sequencer,
    authenticationFailures,
    stop: async () => {
      authenticationFailures.recorder.stop();
      await writer.stop();
      await sequencer?.stop();
    },
  };
}

/** The gateway's audit hooks over a runtime; `unavailable` maps a failed admission write to the gateway's error. */
export function gatewayAuditHooks(runtime: AuditRuntime, unavailable?: (error: unknown) => Error): GatewayAuditHooks {
  return new GatewayAuditHooks(runtime.writer, runtime.keys, unavailable);
}
