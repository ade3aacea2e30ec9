import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '@ai-commons/graphql';
import { DataClassificationEnum } from '@ai-commons/tenancy';
import type { DataClassification } from '@ai-commons/tenancy';

// GraphQL enum names cannot contain dashes: `changes_requested` here is `changes-requested` in the database.
export enum UseCaseStateEnum {
  draft = 'draft',
  submitted = 'submitted',
  changes_requested = 'changes-requested',
  rejected = 'rejected',
  approved = 'approved',
  suspended = 'suspended',
  expired = 'expired',
  withdrawn = 'withdrawn',
}
registerEnumType(UseCaseStateEnum, { name: 'UseCaseState' });

export enum UseCaseVersionStateEnum {
  draft = 'draft',
  submitted = 'submitted',
  changes_requested = 'changes-requested',
  rejected = 'rejected',
  approved = 'approved',
  superseded = 'superseded',
  withdrawn = 'withdrawn',
}
registerEnumType(UseCaseVersionStateEnum, { name: 'UseCaseVersionState' });

export enum RiskTierEnum {
  low = 'low',
  medium = 'medium',
  high = 'high',
}
registerEnumType(RiskTierEnum, { name: 'RiskTier' });

export enum EnforcementModeEnum {
  enforce = 'enforce',
  report_only = 'report-only',
}
registerEnumType(EnforcementModeEnum, {
  name: 'UseCaseEnforcementMode',
  description: 'enforce: refuse unapproved use; report-only: serve and record what enforcement would have done',
});

@ObjectType('UseCaseApproval')
export class UseCaseApprovalType {
  @Field({ description: "The authority's designation number" }) reference!: string;
  @Field() conditions!: string;
  @Field(() => Date) validFrom!: Date;
  @Field(() => Date) validUntil!: Date;
  @Field(() => String, { nullable: true }) approvedBy!: string | null;
  @Field(() => Date, { nullable: true }) approvedAt!: Date | null;
}

@ObjectType('UseCaseVersion')
export class UseCaseVersionType {
  @Field(() => Int) version!: number;
  @Field(() => UseCaseVersionStateEnum) state!: string;
  @Field() purpose!: string;
  @Field() businessProcess!: string;
  @Field(() => DataClassificationEnum) dataClassificationCeiling!: DataClassification;
  @Field(() => [ID]) endpointIds!: string[];
  @Field(() => RiskTierEnum) riskTier!: string;
  @Field() highImpact!: boolean;
  @Field() humanOversight!: string;
  @Field() owner!: string;
  @Field() contact!: string;
  @Field() createdBy!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => String, { nullable: true }) decidedBy!: string | null;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
}

@ObjectType('UseCaseHistoryEntry')
export class UseCaseHistoryEntryType {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) version!: number | null;
  @Field() action!: string;
  @Field(() => String, { nullable: true }) fromState!: string | null;
  @Field() toState!: string;
  @Field() actorSubject!: string;
  @Field() actorRole!: string;
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field(() => Date) occurredAt!: Date;
}

@ObjectType('UseCaseRefusalCount')
export class UseCaseRefusalCountType {
  @Field() reason!: string;
  @Field(() => Int) count!: number;
}

@ObjectType('UseCaseUsage')
export class UseCaseUsageType {
  @Field(() => Int, { description: 'Window in days' }) days!: number;
  @Field(() => Int) requests!: number;
  @Field(() => Number) promptTokens!: number;
  @Field(() => Number) completionTokens!: number;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => [UseCaseRefusalCountType]) refusalsByReason!: UseCaseRefusalCountType[];
}

@ObjectType('UseCaseAuditEvent')
export class UseCaseAuditEventType {
  @Field(() => ID) id!: string;
  @Field(() => Date) occurredAt!: Date;
  @Field() action!: string;
  @Field() outcome!: string;
  @Field(() => String, { nullable: true }) actorSubject!: string | null;
  @Field({ description: 'JSON' }) detailsJson!: string;
}

@ObjectType('UseCase')
export class UseCaseType {
  @Field(() => ID) id!: string;
  @Field(() => ID) institutionId!: string;
  @Field() name!: string;
  @Field(() => UseCaseStateEnum) state!: string;
  @Field(() => Int, { description: 'The version its declaration fields below come from' }) latestVersion!: number;
  @Field(() => Int, { nullable: true, description: 'The approved version the gateway enforces' }) servingVersion!: number | null;
  @Field(() => UseCaseVersionStateEnum, { nullable: true, description: 'State of a revision under way beside the serving approval' })
  revisionState!: string | null;
  @Field(() => UseCaseApprovalType, { nullable: true }) approval!: UseCaseApprovalType | null;
  @Field() purpose!: string;
  @Field() businessProcess!: string;
  @Field(() => DataClassificationEnum) dataClassificationCeiling!: DataClassification;
  @Field(() => [ID]) endpointIds!: string[];
  @Field(() => RiskTierEnum) riskTier!: string;
  @Field({ description: 'High-impact under the AI Basic Act' }) highImpact!: boolean;
  @Field() humanOversight!: string;
  @Field() owner!: string;
  @Field() contact!: string;
  @Field() createdBy!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

export const UseCaseConnection = Connection(UseCaseType, 'UseCaseConnection');
export const UseCaseVersionConnection = Connection(UseCaseVersionType, 'UseCaseVersionConnection');
export const UseCaseHistoryConnection = Connection(UseCaseHistoryEntryType, 'UseCaseHistoryConnection');
export const UseCaseAuditEventConnection = Connection(UseCaseAuditEventType, 'UseCaseAuditEventConnection');

@InputType()
export class UseCaseDeclarationInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) purpose?: string | null;
  @Field(() => String, { nullable: true }) businessProcess?: string | null;
  @Field(() => DataClassificationEnum, { nullable: true }) dataClassificationCeiling?: DataClassification | null;
  @Field(() => [ID], { nullable: true }) endpointIds?: string[] | null;
  @Field(() => RiskTierEnum, { nullable: true }) riskTier?: string | null;
  @Field(() => Boolean, { nullable: true }) highImpact?: boolean | null;
  @Field(() => String, { nullable: true }) humanOversight?: string | null;
  @Field(() => String, { nullable: true }) owner?: string | null;
  @Field(() => String, { nullable: true }) contact?: string | null;
}

@InputType()
export class UseCaseApprovalInput {
  @Field() reference!: string;
  @Field(() => String, { nullable: true }) conditions?: string | null;
  @Field(() => Date, { nullable: true }) validFrom?: Date | null;
  @Field(() => Date) validUntil!: Date;
}

@ObjectType('SignedUseCaseRegister')
export class SignedUseCaseRegisterType {
  @Field({ description: 'The register document (JSON); its RFC 8785 canonical form is what is signed' }) documentJson!: string;
  @Field() algorithm!: string;
  @Field() keyId!: string;
  @Field() sha256!: string;
  @Field({ description: 'Base64 Ed25519 signature' }) signature!: string;
  @Field() publicKeyPem!: string;
}

@ObjectType('ServiceAccountBinding')
export class ServiceAccountBindingType {
  @Field(() => ID) institutionId!: string;
  @Field({ description: 'Keycloak client id of the service account' }) clientId!: string;
  @Field(() => ID) useCaseId!: string;
  @Field() boundBy!: string;
  @Field(() => Date) boundAt!: Date;
}

export const ServiceAccountBindingConnection = Connection(ServiceAccountBindingType, 'ServiceAccountBindingConnection');

@ObjectType('UseCaseUsageReportRow')
export class UseCaseUsageReportRowType {
  @Field(() => ID) institutionId!: string;
  @Field(() => ID, { nullable: true, description: 'null: requests of credentials bound to no use case (report-only institutions)' }) useCaseId!: string | null;
  @Field(() => String, { nullable: true }) useCaseName!: string | null;
  @Field({ description: 'YYYY-MM-DD (KST)' }) day!: string;
  @Field(() => Int) requests!: number;
  @Field(() => Number) promptTokens!: number;
  @Field(() => Number) completionTokens!: number;
}
