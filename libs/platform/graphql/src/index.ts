export * from './graphql-errors';
export * from './domain-error-http.filter';
export * from './query-limits';
export * from './query-cost';
export * from './graphql-plugins';
export * from './batch-limit.middleware';
export * from './pagination';
