export * from './database-errors';
export * from './database-roles';
export * from './tenant-database';
export * from './data-source';
export * from './migration-runner';
export * from './database-bootstrap';
export * from './embedded-postgres';
export * from './database.module';
