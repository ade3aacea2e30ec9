export * from './isolation.module';
export * from './verification/verification-runner';
export * from './verification/verification-read.service';
export * from './verification/verification-records';
export * from './report-signing';
export * from './isolation-errors';
export * from './checks';
