export * from './isolation.module';
export * from './verification.service';
export * from './report-signing';
export * from './isolation-errors';
export * from './checks';
