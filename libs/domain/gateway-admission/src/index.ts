export * from './gateway-error';
export * from './request-hooks';
