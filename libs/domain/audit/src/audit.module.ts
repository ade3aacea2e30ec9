import { Global, Module } from '@nestjs/common';
import { AUDIT_SINK } from '@ai-commons/core';
import { DatabaseAuditSink } from './database-audit-sink';

@Global()
@Module({
  providers: [{ provide: AUDIT_SINK, useClass: DatabaseAuditSink }],
  exports: [AUDIT_SINK],
})
export class AuditModule {}
