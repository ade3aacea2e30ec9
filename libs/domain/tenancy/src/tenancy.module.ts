import { Global, Module } from '@nestjs/common';
import { INSTITUTION_DIRECTORY } from '@ai-commons/core';
import { CachedInstitutionDirectory } from './institution-directory';
import { InstitutionService } from './institution.service';
import { InstitutionResolver } from './graphql/institution.resolver';
import { MeResolver } from './graphql/me.resolver';

@Global()
@Module({
  providers: [
    CachedInstitutionDirectory,
    { provide: INSTITUTION_DIRECTORY, useExisting: CachedInstitutionDirectory },
    InstitutionService,
    InstitutionResolver,
    MeResolver,
  ],
  exports: [INSTITUTION_DIRECTORY, CachedInstitutionDirectory, InstitutionService],
})
export class TenancyModule {}
