import { ApiKeyEntity } from './api-keys/api-key.entity';
import { EndpointEntity, EndpointStateChangeEntity } from './endpoints/endpoint.entity';
import { ModelEntity } from './models/model.entity';
import { OfferingEntity } from './offerings/offering.entity';
import { EndpointTargetEntity } from './targets/target.entity';

/** The catalog's TypeORM entities, for the application DataSource. */
export const CATALOG_ENTITIES = [ModelEntity, OfferingEntity, EndpointEntity, EndpointStateChangeEntity, EndpointTargetEntity, ApiKeyEntity];
