export * from './create-gateway';
export * from './http/openai-error';
export * from '@ai-commons/gateway-admission';
export * from './routing/routing-table';
export type { GatewayCaller } from './auth/gateway-authentication';
