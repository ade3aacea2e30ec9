import { Args, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '@ai-commons/auth';
import type { Principal } from '@ai-commons/core';
import { DataClassificationEnum } from '@ai-commons/tenancy';
import type { Classification } from '@ai-commons/policy';
import { ClassificationFloorService } from './classification-floor.service';

@ObjectType('InstitutionClassificationFloor')
export class InstitutionClassificationFloorType {
  @Field(() => ID) institutionId!: string;
  @Field(() => DataClassificationEnum, { nullable: true, description: 'Null: no institution-wide floor' }) floor!: Classification | null;
}

@Resolver()
export class ClassificationFloorResolver {
  constructor(private readonly floors: ClassificationFloorService) {}

  @Roles('platform-admin', 'regulator', 'tenant-admin')
  @Query(() => InstitutionClassificationFloorType, {
    description: "An institution's classification floor (null: none); tenant admins their own, others name the institution",
  })
  institutionClassificationFloor(@CurrentPrincipal() principal: Principal, @Args('institutionId', { type: () => ID, nullable: true }) institutionId?: string) {
    return this.floors.floorOf(principal, institutionId);
  }

  @Roles('platform-admin', 'tenant-admin')
  @Mutation(() => InstitutionClassificationFloorType, {
    description:
      "The lowest data classification any request of the institution may carry (tenant admins: their own). A lower x-data-classification header is denied at the gateway; null removes the floor (each API key's default still is one).",
  })
  setInstitutionClassificationFloor(
    @CurrentPrincipal() principal: Principal,
    @Args('floor', { type: () => DataClassificationEnum, nullable: true }) floor: DataClassificationEnum | null,
    @Args('institutionId', { type: () => ID, nullable: true }) institutionId?: string,
  ) {
    return this.floors.setFloor(principal, institutionId, (floor ?? null) as Classification | null);
  }
}
