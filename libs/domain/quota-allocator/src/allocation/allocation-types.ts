import type { PerDimension } from '../dimensions';

/** One member's share of one dimension of a pool, in that dimension's unit. */
export interface DimensionAllocation {
  /** weight × (1 − headroom) × capacity. */
  readonly guaranteed: number;
  /** What the member may use: its own use of its guarantee plus what it borrows. */
  readonly allocated: number;
  /** Part of `allocated` above the member's guarantee (from headroom or from lenders). */
  readonly borrowed: number;
  /** Part of this member's unused guarantee that others are borrowing. */
  readonly lent: number;
  /**
   * The member wants more and its own limits stop it: allocated reached min(hardCap, guarantee +
   * borrowingLimit) below its demand. False when it is limited only by what the pool has left.
   */
  readonly capped: boolean;
}

export type MemberAllocation = PerDimension<DimensionAllocation>;
