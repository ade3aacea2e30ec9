export * from './gateway-error';
export * from './request-hooks';
export * from './compose-hooks';
export * from './traced-hook';
