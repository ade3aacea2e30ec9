import { Field, Float, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '@ai-commons/graphql';
import type { InstitutionStatus } from '@ai-commons/core';
import type { DataClassification, Sector } from '../institution.model';

export enum SectorEnum {
  bank = 'bank',
  insurance = 'insurance',
  securities = 'securities',
  card = 'card',
  other = 'other',
}
registerEnumType(SectorEnum, { name: 'Sector', description: 'Financial sector of a member institution' });

export enum InstitutionStatusEnum {
  active = 'active',
  suspended = 'suspended',
  offboarded = 'offboarded',
}
registerEnumType(InstitutionStatusEnum, { name: 'InstitutionStatus' });

export enum DataClassificationEnum {
  public = 'public',
  internal = 'internal',
  confidential = 'confidential',
  personal_credit = 'personal-credit',
}
registerEnumType(DataClassificationEnum, {
  name: 'DataClassification',
  description: 'Sensitivity of data sent to models, from least to most sensitive',
});

@ObjectType()
export class ContactType {
  @Field(() => String) name!: string;
  @Field(() => String) email!: string;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true }) role?: string | null;
}

@ObjectType('Institution', { description: 'A member institution of the consortium (a tenant)' })
export class InstitutionType {
  @Field(() => ID) id!: string;
  @Field(() => String) slug!: string;
  @Field(() => String, { description: 'Name in Korean' }) nameKo!: string;
  @Field(() => String, { description: 'Name in English' }) nameEn!: string;
  @Field(() => SectorEnum) sector!: Sector;
  @Field(() => String, { description: 'Invested capital in KRW, as a decimal string' }) investedCapitalKrw!: string;
  @Field(() => Float, { description: 'Share of the capital invested by all active members (0..1)' })
  investmentWeight!: number;
  @Field(() => InstitutionStatusEnum) status!: InstitutionStatus;
  @Field(() => DataClassificationEnum, { description: 'Highest classification it may send to shared models' })
  dataClassificationCeiling!: DataClassification;
  @Field(() => [ContactType]) contacts!: ContactType[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

@ObjectType('InstitutionStatusChange')
export class StatusChangeType {
  @Field(() => ID) id!: string;
  @Field(() => InstitutionStatusEnum, { nullable: true }) fromStatus!: InstitutionStatus | null;
  @Field(() => InstitutionStatusEnum) toStatus!: InstitutionStatus;
  @Field(() => String) reason!: string;
  @Field(() => String) actorSubject!: string;
  @Field(() => Date) changedAt!: Date;
}

export const InstitutionConnection = Connection(InstitutionType, 'Institution');
export const StatusChangeConnection = Connection(StatusChangeType, 'InstitutionStatusChange');

@InputType()
export class ContactInput {
  @Field(() => String) name!: string;
  @Field(() => String) email!: string;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true }) role?: string | null;
}

@InputType()
export class CreateInstitutionInput {
  @Field(() => String) slug!: string;
  @Field(() => String) nameKo!: string;
  @Field(() => String) nameEn!: string;
  @Field(() => SectorEnum) sector!: Sector;
  @Field(() => String, { description: 'Positive whole number of KRW' }) investedCapitalKrw!: string;
  @Field(() => DataClassificationEnum, { nullable: true }) dataClassificationCeiling?: DataClassification;
  @Field(() => [ContactInput], { nullable: true }) contacts?: ContactInput[];
}

@InputType()
export class UpdateInstitutionInput {
  @Field(() => String, { nullable: true }) nameKo?: string;
  @Field(() => String, { nullable: true }) nameEn?: string;
  @Field(() => SectorEnum, { nullable: true }) sector?: Sector;
  @Field(() => String, { nullable: true }) investedCapitalKrw?: string;
  @Field(() => DataClassificationEnum, { nullable: true }) dataClassificationCeiling?: DataClassification;
  @Field(() => [ContactInput], { nullable: true }) contacts?: ContactInput[];
}

@ObjectType('Me', { description: 'The authenticated caller' })
export class MeType {
  @Field(() => String) subject!: string;
  @Field(() => String) username!: string;
  @Field(() => [String]) roles!: string[];
  @Field(() => String) authMethod!: string;
  @Field(() => String) clientId!: string;
  @Field(() => InstitutionType, { nullable: true }) institution!: InstitutionType | null;
}
