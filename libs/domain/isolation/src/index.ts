export * from './isolation.module';
export * from './verification.service';
export * from './report-signing';
export * from './isolation-errors';
export * from './checks';
export * from './institution-evidence.service';
export * from './report/institution-evidence';
