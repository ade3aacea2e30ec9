export * from './config/quota-errors';
export * from './config/quota-pool-definition';
