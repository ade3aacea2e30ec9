export * from './config/quota-errors';
export * from './config/quota-pool-definition';
export * from './service/quota.service';
export * from './quota.module';
export * from './demo/demo-quota';
export * from './gateway';
export * from './usage/usage-recorder';
export * from './usage/call-meter';
