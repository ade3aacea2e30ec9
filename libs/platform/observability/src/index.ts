export * from './json-logger';
export * from './request-context.middleware';
export * from './nest-logger.module';
export * from './metrics/gateway-metrics';
export * from './metrics/metrics-server';
export * from './metrics/service-registry';
