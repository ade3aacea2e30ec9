export * from './database-audit-sink';
export * from './audit.module';
