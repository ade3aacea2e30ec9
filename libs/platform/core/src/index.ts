export * from './domain-error';
export * from './principal';
export * from './tenant-scope';
export * from './request-context';
export * from './ports';
export * from './tenant-access';
export * from './ids';
export * from './audit-actions';
