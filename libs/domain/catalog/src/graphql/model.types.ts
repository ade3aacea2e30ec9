import { Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '@ai-commons/graphql';
import type { CatalogStatus, Modality, ModelKind } from '../models/model.model';
import { CatalogStatusEnum, ModalityEnum, ModelKindEnum } from './catalog-enums';

@ObjectType('Model', { description: 'A model in the platform-wide catalog' })
export class ModelType {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Unique catalog name, e.g. llama-3.1-70b-instruct' }) name!: string;
  @Field(() => String, { description: 'Model family, e.g. Llama 3.1' }) family!: string;
  @Field(() => ModelKindEnum) kind!: ModelKind;
  @Field(() => String) provider!: string;
  @Field(() => String) licence!: string;
  @Field(() => Float, { nullable: true, description: 'Parameters in billions, when published' })
  parameterCountBillions!: number | null;
  @Field(() => Int, { description: 'Context window in tokens' }) contextWindow!: number;
  @Field(() => [ModalityEnum]) modalities!: Modality[];
  @Field(() => Float, { nullable: true, description: 'MMLU benchmark score (0-100)' }) mmluScore!: number | null;
  @Field(() => String, { description: 'KRW per 1,000 input tokens (decimal string)' }) priceInputPer1kTokensKrw!: string;
  @Field(() => String, { description: 'KRW per 1,000 output tokens (decimal string)' }) priceOutputPer1kTokensKrw!: string;
  @Field(() => CatalogStatusEnum) status!: CatalogStatus;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) retiredAt!: Date | null;
}

export const ModelConnection = Connection(ModelType, 'Model');

@InputType()
export class RegisterModelInput {
  @Field(() => String) name!: string;
  @Field(() => String) family!: string;
  @Field(() => ModelKindEnum) kind!: ModelKind;
  @Field(() => String) provider!: string;
  @Field(() => String) licence!: string;
  @Field(() => Float, { nullable: true }) parameterCountBillions?: number | null;
  @Field(() => Int) contextWindow!: number;
  @Field(() => [ModalityEnum], { nullable: true, description: 'Default: [text]' }) modalities?: Modality[] | null;
  @Field(() => Float, { nullable: true }) mmluScore?: number | null;
  @Field(() => String, { nullable: true, description: 'Decimal KRW, default 0' }) priceInputPer1kTokensKrw?: string | null;
  @Field(() => String, { nullable: true, description: 'Decimal KRW, default 0' }) priceOutputPer1kTokensKrw?: string | null;
}
