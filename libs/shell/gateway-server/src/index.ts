export * from './create-gateway';
export * from './http/openai-error';
export * from './pipeline/request-hooks';
export * from './routing/routing-table';
export * from './usage/usage-recorder';
export type { GatewayCaller } from './auth/gateway-authentication';
export * from './use-cases';
