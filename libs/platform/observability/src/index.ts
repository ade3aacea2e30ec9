export * from './json-logger';
export * from './request-context.middleware';
export * from './metrics/gateway-metrics';
export * from './metrics/metrics-server';
export * from './metrics/service-registry';
