import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '@ai-commons/graphql';
import type { EndpointHealth, EndpointState, IsolationMode, UpstreamDriver } from '../endpoints/endpoint.model';
import type { LoadBalancing, TargetState } from '../targets/target.model';
import { EndpointHealthEnum, EndpointStateEnum, IsolationModeEnum, LoadBalancingEnum, TargetStateEnum, UpstreamDriverEnum } from './catalog-enums';
import { OfferingType } from './offering.types';

@ObjectType('EndpointLimits', { description: 'What the gateway enforces per request' })
export class EndpointLimitsType {
  @Field(() => Int) maxRequestBytes!: number;
  @Field(() => Int) maxOutputTokens!: number;
  @Field(() => Int, { description: 'max_tokens applied when a request sends none' }) defaultMaxTokens!: number;
  @Field(() => Int) connectTimeoutMs!: number;
  @Field(() => Int) firstByteTimeoutMs!: number;
  @Field(() => Int) requestTimeoutMs!: number;
  @Field(() => Int, { description: 'The largest n (completions per request) accepted' }) maxChoices!: number;
  @Field(() => Int, { description: 'Tokens one image (or audio, file part) costs in the admission estimate' }) imageInputTokens!: number;
}

@ObjectType('EndpointTarget', { description: 'One upstream replica of an endpoint, with its own health probe' })
export class EndpointTargetType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'Base URL of the replica, without /v1. Null for tenant members and service accounts.' })
  url!: string | null;
  @Field(() => Int, { description: 'Share of new requests among the active targets (1-1000)' }) weight!: number;
  @Field(() => TargetStateEnum) state!: TargetState;
  @Field(() => EndpointHealthEnum) health!: EndpointHealth;
  @Field(() => Date, { nullable: true }) healthCheckedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Why the last probe failed. Null for tenant members and service accounts.' })
  healthDetail!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

@ObjectType('Endpoint', { description: "One institution's endpoint on a model offering. Its upstream credential is write-only." })
export class EndpointType {
  @Field(() => ID) id!: string;
  @Field(() => ID) institutionId!: string;
  @Field(() => String, { nullable: true }) institutionSlug!: string | null;
  @Field(() => String, { description: 'The `model` string callers send; unique within the institution' }) name!: string;
  @Field(() => OfferingType) offering!: OfferingType;
  @Field(() => IsolationModeEnum) isolationMode!: IsolationMode;
  @Field(() => UpstreamDriverEnum) driver!: UpstreamDriver;
  @Field(() => String, {
    nullable: true,
    description: "The first active target's base URL, without /v1 (see targets). Null for tenant members and service accounts (infrastructure detail).",
  })
  upstreamUrl!: string | null;
  @Field(() => [EndpointTargetType], { description: 'The upstream replicas the gateway balances over, oldest first' })
  targets!: EndpointTargetType[];
  @Field(() => LoadBalancingEnum) loadBalancing!: LoadBalancing;
  @Field(() => String) upstreamModel!: string;
  @Field(() => String, { nullable: true }) azureDeployment!: string | null;
  @Field(() => String, { nullable: true }) azureApiVersion!: string | null;
  @Field(() => EndpointStateEnum) state!: EndpointState;
  @Field(() => EndpointHealthEnum) health!: EndpointHealth;
  @Field(() => Date, { nullable: true }) healthCheckedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Why the last probe failed. Null for tenant members and service accounts.' })
  healthDetail!: string | null;
  @Field(() => EndpointLimitsType) limits!: EndpointLimitsType;
  @Field(() => [String], { description: "Request fields forwarded beyond the driver's allow-list; the gateway refuses any other field with 400" })
  allowedExtraFields!: string[];
  @Field(() => Boolean, { description: 'Whether an upstream credential is stored (it is never returned)' }) hasCredential!: boolean;
  @Field(() => Date, { nullable: true }) credentialRotatedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

@ObjectType('EndpointStateChange')
export class EndpointStateChangeType {
  @Field(() => ID) id!: string;
  @Field(() => ID) endpointId!: string;
  @Field(() => EndpointStateEnum, { nullable: true }) fromState!: EndpointState | null;
  @Field(() => EndpointStateEnum) toState!: EndpointState;
  @Field(() => String) reason!: string;
  @Field(() => String) actorSubject!: string;
  @Field(() => Date) changedAt!: Date;
}

export const EndpointConnection = Connection(EndpointType, 'Endpoint');
export const EndpointStateChangeConnection = Connection(EndpointStateChangeType, 'EndpointStateChange');

@InputType({ description: 'Limits to set; omitted fields keep their current (or default) value' })
export class EndpointLimitsInput {
  @Field(() => Int, { nullable: true, description: 'Default 1048576' }) maxRequestBytes?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 4096' }) maxOutputTokens?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 1024; at most maxOutputTokens' }) defaultMaxTokens?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 2000' }) connectTimeoutMs?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 30000' }) firstByteTimeoutMs?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 120000' }) requestTimeoutMs?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 1; at most 128' }) maxChoices?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 765' }) imageInputTokens?: number | null;
}

@InputType()
export class CreateEndpointInput {
  @Field(() => ID) institutionId!: string;
  @Field(() => String) name!: string;
  @Field(() => ID) offeringId!: string;
  @Field(() => IsolationModeEnum) isolationMode!: IsolationMode;
  @Field(() => UpstreamDriverEnum) driver!: UpstreamDriver;
  @Field(() => String, { description: 'http(s) base URL of the upstream, without /v1 and without user info: the first target (replica)' })
  upstreamUrl!: string;
  @Field(() => String) upstreamModel!: string;
  @Field(() => String, { nullable: true, description: 'Required for azure-openai' }) azureDeployment?: string | null;
  @Field(() => String, { nullable: true, description: 'Required for azure-openai, e.g. 2024-10-21' }) azureApiVersion?: string | null;
  @Field(() => EndpointLimitsInput, { nullable: true }) limits?: EndpointLimitsInput | null;
  @Field(() => String, { nullable: true, description: 'Upstream API key: encrypted at once, never returned' })
  credential?: string | null;
}
