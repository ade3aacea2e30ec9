import { Field, Float, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Connection } from '@ai-commons/graphql';

@ObjectType('QuotaCapacity', { description: 'Per minute (tokens, requests) and in flight (concurrent requests)' })
export class QuotaCapacityType {
  @Field(() => Float) tokensPerMinute!: number;
  @Field(() => Float) requestsPerMinute!: number;
  @Field(() => Float) concurrentRequests!: number;
}

@InputType('QuotaCapacityInput')
export class QuotaCapacityInput {
  @Field(() => Float) tokensPerMinute!: number;
  @Field(() => Float) requestsPerMinute!: number;
  @Field(() => Float) concurrentRequests!: number;
}

@ObjectType('QuotaLimits', { description: 'Absolute amounts per dimension; an absent dimension is unlimited' })
export class QuotaLimitsType {
  @Field(() => Float, { nullable: true }) tokensPerMinute?: number;
  @Field(() => Float, { nullable: true }) requestsPerMinute?: number;
  @Field(() => Float, { nullable: true }) concurrentRequests?: number;
}

@InputType('QuotaLimitsInput')
export class QuotaLimitsInput {
  @Field(() => Float, { nullable: true }) tokensPerMinute?: number | null;
  @Field(() => Float, { nullable: true }) requestsPerMinute?: number | null;
  @Field(() => Float, { nullable: true }) concurrentRequests?: number | null;
}

@InputType('QuotaMemberInput', { description: 'Omitted fields keep their value; null clears an override/limit/budget' })
export class QuotaMemberInput {
  @Field(() => ID) institutionId!: string;
  @Field(() => Float, { nullable: true, description: 'Fixes the weight (0..1); others share the rest by capital' }) weightOverride?: number | null;
  @Field(() => QuotaLimitsInput, { nullable: true }) lendingLimit?: QuotaLimitsInput | null;
  @Field(() => QuotaLimitsInput, { nullable: true }) borrowingLimit?: QuotaLimitsInput | null;
  @Field(() => QuotaLimitsInput, { nullable: true }) hardCap?: QuotaLimitsInput | null;
  @Field(() => Float, { nullable: true, description: 'Tokens per calendar month (KST)' }) periodTokenBudget?: number | null;
}

@InputType('QuotaPoolInput')
export class QuotaPoolInput {
  @Field(() => String, { nullable: true, description: 'Required when creating; fixed afterwards' }) name?: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => QuotaCapacityInput, { nullable: true }) capacity?: QuotaCapacityInput | null;
  @Field(() => Float, { nullable: true, description: 'Share of capacity guaranteed to nobody, 0 ≤ h < 1' }) headroom?: number | null;
  @Field(() => String, { nullable: true, description: 'Cost of the pool per month in KRW (settlement)' }) monthlyCostKrw?: string | null;
  @Field(() => [ID], { nullable: true, description: 'Replaces the endpoints drawing on the pool' }) endpointIds?: string[] | null;
  @Field(() => [QuotaMemberInput], { nullable: true, description: 'Adds or changes these members' }) members?: QuotaMemberInput[] | null;
}

@InputType('QuotaDemandInput')
export class QuotaDemandInput {
  @Field(() => ID) institutionId!: string;
  @Field(() => QuotaCapacityInput) demand!: QuotaCapacityInput;
}

@ObjectType('QuotaPoolEndpoint')
export class QuotaPoolEndpointType {
  @Field(() => ID) endpointId!: string;
  @Field(() => ID) institutionId!: string;
}

@ObjectType('QuotaPoolMember')
export class QuotaPoolMemberType {
  @Field(() => ID) institutionId!: string;
  @Field(() => Float, { description: 'Effective weight (capital share unless overridden)' }) weight!: number;
  @Field(() => Float, { nullable: true }) weightOverride!: number | null;
  @Field(() => String, { nullable: true, description: 'Only for platform admins and regulators' }) investedCapitalKrw!: string | null;
  @Field(() => QuotaCapacityType, { description: 'weight × (1 − headroom) × capacity' }) guaranteed!: QuotaCapacityType;
  @Field(() => QuotaLimitsType) lendingLimit!: QuotaLimitsType;
  @Field(() => QuotaLimitsType) borrowingLimit!: QuotaLimitsType;
  @Field(() => QuotaLimitsType) hardCap!: QuotaLimitsType;
  @Field(() => Float, { nullable: true }) periodTokenBudget!: number | null;
}

@ObjectType('QuotaPool', { description: 'Endpoints drawing on the same capacity, shared by investment weight' })
export class QuotaPoolType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => QuotaCapacityType) capacity!: QuotaCapacityType;
  @Field(() => Float) headroom!: number;
  @Field(() => String) monthlyCostKrw!: string;
  @Field(() => [QuotaPoolEndpointType], { description: "Members see their own institution's endpoints only" }) endpoints!: QuotaPoolEndpointType[];
  @Field(() => [QuotaPoolMemberType], { description: 'Members see their own row only' }) members!: QuotaPoolMemberType[];
  @Field(() => Date) updatedAt!: Date;
}

@ObjectType('QuotaConfigIssue')
export class QuotaConfigIssueType {
  @Field(() => String) code!: string;
  @Field(() => String) message!: string;
  @Field(() => ID, { nullable: true }) institutionId?: string;
  @Field(() => String, { nullable: true }) dimension?: string;
  @Field(() => String, { nullable: true }) field?: string;
}

@ObjectType('QuotaDimensionAllocation')
export class QuotaDimensionAllocationType {
  @Field(() => String) dimension!: string;
  @Field(() => Float) guaranteed!: number;
  @Field(() => Float) allocated!: number;
  @Field(() => Float) borrowed!: number;
  @Field(() => Float) lent!: number;
  @Field(() => Boolean) capped!: boolean;
}

@ObjectType('QuotaMemberAllocation')
export class QuotaMemberAllocationType {
  @Field(() => ID) institutionId!: string;
  @Field(() => Float) weight!: number;
  @Field(() => [QuotaDimensionAllocationType]) dimensions!: QuotaDimensionAllocationType[];
}

@ObjectType('QuotaAllocationPreview', { description: 'Nothing is stored; issues list every problem the change would have' })
export class QuotaAllocationPreviewType {
  @Field(() => [QuotaConfigIssueType]) issues!: QuotaConfigIssueType[];
  @Field(() => [QuotaMemberAllocationType]) members!: QuotaMemberAllocationType[];
}

@ObjectType('QuotaRates')
export class QuotaRatesType {
  @Field(() => Float) tokensPerMinute!: number;
  @Field(() => Float) requestsPerMinute!: number;
}

@ObjectType('QuotaStanding', { description: "An institution's quota in one pool and its use (from the gateway's usage records)" })
export class QuotaStandingType {
  @Field(() => ID) poolId!: string;
  @Field(() => String) poolName!: string;
  @Field(() => ID) institutionId!: string;
  @Field(() => Float) weight!: number;
  @Field(() => QuotaCapacityType) guaranteed!: QuotaCapacityType;
  @Field(() => QuotaRatesType) usedLastMinute!: QuotaRatesType;
  @Field(() => QuotaRatesType, { description: 'Use above the guarantee over the last minute' }) borrowingNow!: QuotaRatesType;
  @Field(() => Float, { nullable: true }) periodTokenBudget!: number | null;
  @Field(() => Float) periodUsedTokens!: number;
  @Field(() => Float, { nullable: true }) periodRemainingTokens!: number | null;
}

@ObjectType('QuotaUsageRow')
export class QuotaUsageRowType {
  @Field(() => ID) institutionId!: string;
  @Field(() => String) model!: string;
  @Field(() => String, { description: 'YYYY-MM-DD in KST' }) day!: string;
  @Field(() => Float) requests!: number;
  @Field(() => Float) successfulRequests!: number;
  @Field(() => Float) promptTokens!: number;
  @Field(() => Float) completionTokens!: number;
  @Field(() => Float) totalTokens!: number;
}

export const QuotaUsageRowConnection = Connection(QuotaUsageRowType, 'QuotaUsageRow');

@ObjectType('QuotaSettlementMember')
export class QuotaSettlementMemberType {
  @Field(() => ID) institutionId!: string;
  @Field(() => Float) weight!: number;
  @Field(() => Float) tokens!: number;
  @Field(() => Float) useShare!: number;
  @Field(() => Float, { description: 'Cost × weight' }) byInvestmentKrw!: number;
  @Field(() => Float, { description: 'Cost × share of tokens used' }) byUseKrw!: number;
}

@ObjectType('QuotaSettlement')
export class QuotaSettlementType {
  @Field(() => ID) poolId!: string;
  @Field(() => String) poolName!: string;
  @Field(() => Date) from!: Date;
  @Field(() => Date) to!: Date;
  @Field(() => Float, { description: 'Monthly cost prorated over the period (30-day months)' }) costKrw!: number;
  @Field(() => Float) totalTokens!: number;
  @Field(() => [QuotaSettlementMemberType]) members!: QuotaSettlementMemberType[];
}
