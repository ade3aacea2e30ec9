export * from './use-case-store';
export * from './use-case-hook';
