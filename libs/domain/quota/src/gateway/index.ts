export * from './quota-store';
export * from './redis-quota-store';
export * from './quota-table';
export * from './quota-loader';
export * from './quota-hooks';
export * from './quota-refusal';
export * from './pool-standing';
export * from './rate-limit-headers';
