import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Connection } from '@ai-commons/graphql';
import type { DataClassification } from '@ai-commons/tenancy';
import { DataClassificationEnum } from '@ai-commons/tenancy';

@ObjectType('ApiKey', { description: "An institution's gateway API key. The secret is shown once, at creation." })
export class ApiKeyType {
  @Field(() => ID) id!: string;
  @Field(() => ID) institutionId!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'First 12 characters of the secret (aic_ + 8), to recognise the key' }) keyPrefix!: string;
  @Field(() => [ID], { nullable: true, description: 'Endpoints the key may call; null = all of its institution' })
  endpointIds!: string[] | null;
  @Field(() => DataClassificationEnum) defaultClassification!: DataClassification;
  @Field(() => ID, { nullable: true, description: 'The use case its requests run under (AI use-case register)' }) useCaseId!: string | null;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => String) createdBy!: string;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyType {
  @Field(() => ApiKeyType) apiKey!: ApiKeyType;
  @Field(() => String, { description: 'The secret (aic_…): shown only in this response; store it now' }) secret!: string;
}

export const ApiKeyConnection = Connection(ApiKeyType, 'ApiKey');

@InputType()
export class CreateApiKeyInput {
  @Field(() => String) name!: string;
  @Field(() => [ID], { nullable: true, description: "Own institution's endpoints; omit for all of them" }) endpointIds?: string[] | null;
  @Field(() => DataClassificationEnum, { nullable: true, description: 'Default: internal; at most the institution ceiling' })
  defaultClassification?: DataClassification | null;
  @Field(() => Date, { nullable: true, description: 'Must be in the future; omit for no expiry' }) expiresAt?: Date | null;
  @Field(() => ID, { nullable: true, description: "One of the institution's use cases; required once the institution's use-case enforcement is on" })
  useCaseId?: string | null;
}
