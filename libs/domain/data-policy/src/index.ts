export * from './data-policy.module';
export * from './data-policy-errors';
export * from './admin/policy-admin.service';
export * from './gateway/policy-hook';
export * from './gateway/policy-store';
