export * from './config.schema';
export * from './load-config';
export * from './config.module';
export * from './ed25519-public-key-list';
export * from './profile-secrets';
export * from './host-port-list';
