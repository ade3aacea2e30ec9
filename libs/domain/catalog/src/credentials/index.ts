export * from './credential-cipher';
export * from './local-kek-cipher';
export * from './credential-cipher.provider';
