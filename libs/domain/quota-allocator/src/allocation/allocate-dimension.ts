import type { DimensionAllocation } from './allocation-types';
import { waterFill } from './water-fill';

/** One member's inputs for a single dimension; limits already resolved (unlimited = capacity). */
export interface DimensionClaim {
  readonly weight: number;
  readonly guaranteed: number;
  readonly demand: number;
  readonly hardCap: number;
  readonly borrowingLimit: number;
  readonly lendingLimit: number;
}

/**
 * Allocates one dimension:
 * 1. each member first uses its own guarantee: own = min(demand, guaranteed, hardCap);
 * 2. the unused part of a guarantee is lendable up to the member's lending limit, the rest stays idle
 *    for its owner;
 * 3. supply = capacity − Σ own − Σ unlendable (headroom, unassigned weight and lendable guarantees);
 * 4. supply is water-filled among members with weight > 0 up to
 *    min(demand, hardCap, guarantee + borrowingLimit) − own, in proportion to weight;
 * 5. only what is left after that goes to weight-0 members, equally (best effort).
 * Borrowing is attributed to headroom first, then to lenders in proportion to what each can lend.
 */
export function allocateDimension(capacity: number, claims: readonly DimensionClaim[]): DimensionAllocation[] {
  const own = claims.map((claim) => Math.max(0, Math.min(claim.demand, claim.guaranteed, claim.hardCap)));
  const lendable = claims.map((claim, index) => Math.max(0, Math.min(claim.guaranteed - own[index]!, claim.lendingLimit)));
  const unlendable = claims.map((claim, index) => Math.max(0, claim.guaranteed - own[index]! - lendable[index]!));
  const supply = Math.max(0, capacity - sum(own) - sum(unlendable));

  const ceiling = claims.map((claim) => Math.min(claim.demand, claim.hardCap, claim.guaranteed + claim.borrowingLimit));
  const wants = ceiling.map((limit, index) => Math.max(0, limit - own[index]!));
  const weighted = waterFill(
    supply,
    wants,
    claims.map((claim) => claim.weight),
  );
  const leftover = Math.max(0, supply - sum(weighted));
  const bestEffort = waterFill(
    leftover,
    wants,
    claims.map((claim) => (claim.weight > 0 ? 0 : 1)),
  );
  const borrowed = weighted.map((amount, index) => amount + bestEffort[index]!);

  const fromHeadroom = Math.max(0, supply - sum(lendable));
  const fromLenders = Math.max(0, sum(borrowed) - fromHeadroom);
  const totalLendable = sum(lendable);
  const tolerance = 1e-9 * Math.max(1, capacity);

  return claims.map((claim, index) => {
    const allocated = own[index]! + borrowed[index]!;
    return {
      guaranteed: claim.guaranteed,
      allocated,
      borrowed: borrowed[index]!,
      lent: totalLendable > 0 ? (fromLenders * lendable[index]!) / totalLendable : 0,
      capped: ceiling[index]! < claim.demand - tolerance && allocated >= ceiling[index]! - tolerance,
    };
  });
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
