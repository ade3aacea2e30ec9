import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Connection } from '@ai-commons/graphql';
import type { CatalogStatus } from '../models/model.model';
import type { Hosting, NetworkZone } from '../offerings/offering.model';
import { CatalogStatusEnum, HostingEnum, NetworkZoneEnum } from './catalog-enums';
import { ModelType } from './model.types';

@ObjectType('AuthorityConfirmation', { description: "The financial authority's confirmation that an offering may be used" })
export class AuthorityConfirmationType {
  @Field(() => String) reference!: string;
  @Field(() => Date) expiresAt!: Date;
}

@ObjectType('ModelOffering', { description: 'A way to consume a catalog model: hosting, region, network zone, operator' })
export class OfferingType {
  @Field(() => ID) id!: string;
  @Field(() => ModelType) model!: ModelType;
  @Field(() => HostingEnum) hosting!: Hosting;
  @Field(() => String, { description: 'ISO 3166-1 alpha-2 country code' }) region!: string;
  @Field(() => NetworkZoneEnum) networkZone!: NetworkZone;
  @Field(() => String) operator!: string;
  @Field(() => AuthorityConfirmationType, { nullable: true, description: 'Required for cloud-commercial offerings' })
  authorityConfirmation!: AuthorityConfirmationType | null;
  @Field(() => CatalogStatusEnum) status!: CatalogStatus;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) retiredAt!: Date | null;
}

export const OfferingConnection = Connection(OfferingType, 'ModelOffering');

@InputType()
export class AuthorityConfirmationInput {
  @Field(() => String) reference!: string;
  @Field(() => Date) expiresAt!: Date;
}

@InputType()
export class RegisterModelOfferingInput {
  @Field(() => ID) modelId!: string;
  @Field(() => HostingEnum) hosting!: Hosting;
  @Field(() => String) region!: string;
  @Field(() => NetworkZoneEnum) networkZone!: NetworkZone;
  @Field(() => String) operator!: string;
  @Field(() => AuthorityConfirmationInput, { nullable: true }) authorityConfirmation?: AuthorityConfirmationInput | null;
}
