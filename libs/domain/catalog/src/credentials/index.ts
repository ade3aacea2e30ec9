export * from './credential-cipher';
export * from './local-kek-cipher';
