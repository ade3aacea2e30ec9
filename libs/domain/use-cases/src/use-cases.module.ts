import { Module } from '@nestjs/common';
import { UseCaseResolver } from './graphql/use-case.resolver';
import { RegisterExportService } from './service/register-export.service';
import { UseCaseExpirySweep } from './service/use-case-expiry-sweep';
import { UseCaseScopes } from './service/use-case-scopes';
import { UseCaseService } from './service/use-case.service';

/** The AI use-case register: declarations, the regulator's review, the signed export and the expiry sweep. */
@Module({
  providers: [UseCaseScopes, UseCaseService, RegisterExportService, UseCaseExpirySweep, UseCaseResolver],
  exports: [UseCaseService, RegisterExportService],
})
export class UseCasesModule {}
