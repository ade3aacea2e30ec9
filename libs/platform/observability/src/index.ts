export * from './json-logger';
export * from './request-context.middleware';
export * from './nest-logger.module';
