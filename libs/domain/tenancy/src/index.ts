export * from './institution.model';
export * from './institution.entity';
export * from './tenancy-errors';
export * from './status-transitions';
export * from './institution.service';
export * from './institution-directory';
export * from './tenancy.module';
export * from './demo-consortium';
export { DataClassificationEnum } from './graphql/institution.types';
