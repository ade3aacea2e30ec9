import { Global, Module } from '@nestjs/common';
import { AUDIT_SINK } from '@ai-commons/core';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import { DatabaseAuditSink } from './database-audit-sink';
import { AuditKeys } from './keys/audit-keys';
import { AuditLogService } from './read/audit-log.service';
import { AuditResolver } from './graphql/audit.resolver';
import { AuditExportController } from './http/audit-export.controller';

/**
 * The audit port (written in the caller's transaction), the audit log's GraphQL views and the
 * export download. The sequencer and the batch writer are background jobs the server starts
 * (startAuditRuntime), like the gateway does.
 */
@Global()
@Module({
  providers: [
    { provide: AUDIT_SINK, useClass: DatabaseAuditSink },
    { provide: AuditKeys, useFactory: (config: AppConfig) => AuditKeys.fromConfig(config), inject: [APP_CONFIG] },
    AuditLogService,
    AuditResolver,
  ],
  controllers: [AuditExportController],
  exports: [AUDIT_SINK, AuditKeys, AuditLogService],
})
export class AuditModule {}
