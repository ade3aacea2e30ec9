export * from './use-case.model';
export * from './use-case-errors';
export * from './use-case-validation';
export * from './use-case-workflow';
export * from './use-case-enforcement';
