import { Module } from '@nestjs/common';
import { ApiKeyService } from './api-keys/api-key.service';
import { CREDENTIAL_CIPHER, credentialCipherProvider } from './credentials';
import { EndpointService } from './endpoints/endpoint.service';
import { ApiKeyResolver } from './graphql/api-key.resolver';
import { EndpointResolver } from './graphql/endpoint.resolver';
import { EndpointTargetResolver } from './graphql/endpoint-target.resolver';
import { ModelResolver } from './graphql/model.resolver';
import { OfferingResolver } from './graphql/offering.resolver';
import { EndpointHealthProber } from './health/endpoint-health-prober';
import { ModelService } from './models/model.service';
import { OfferingService } from './offerings/offering.service';
import { EndpointTargetService } from './targets/target.service';

/** Model catalog, institutions' endpoints, API keys, and the endpoint health prober. */
@Module({
  providers: [
    credentialCipherProvider,
    ModelService,
    OfferingService,
    EndpointService,
    EndpointTargetService,
    ApiKeyService,
    EndpointHealthProber,
    ModelResolver,
    OfferingResolver,
    EndpointResolver,
    EndpointTargetResolver,
    ApiKeyResolver,
  ],
  exports: [CREDENTIAL_CIPHER, ModelService, OfferingService, EndpointService, EndpointTargetService, ApiKeyService, EndpointHealthProber],
})
export class CatalogModule {}
