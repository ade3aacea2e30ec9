/**
 * Usage over the last minute, kept as a ring of per-bucket totals.
 *
 * Bucket k holds what was admitted during [k·bucketMs, (k+1)·bucketMs). A ring has
 * slotCount = windowMs / bucketMs + 1 slots and bucket k lives in slots[k mod slotCount] until bucket
 * k + slotCount starts. So everything admitted at time t is still counted at every time before
 * t + windowMs (and at most one bucket longer): checking "counted + request ≤ capacity" at admission
 * therefore bounds usage in *every* sliding window of windowMs, not just bucket-aligned ones.
 * The price is that usage is forgotten up to one bucket late (≤ bucketMs / windowMs of throughput).
 */
export interface WindowRing {
  /** Index of the newest bucket written or advanced to; slots of older, expired buckets are zero. */
  readonly newestBucket: number;
  readonly slots: readonly number[];
}

export function emptyRing(slotCount: number): WindowRing {
  return { newestBucket: 0, slots: new Array<number>(slotCount).fill(0) };
}

/** Slot of bucket `index`; indices below zero only occur as "older than anything written". */
export function slotOf(index: number, slotCount: number): number {
  return ((index % slotCount) + slotCount) % slotCount;
}

/** Oldest bucket still counted when the clock is in `bucket` (never before the ring's newest). */
export function oldestLiveBucket(ring: WindowRing, bucket: number): number {
  return Math.max(ring.newestBucket, bucket) - ring.slots.length + 1;
}

/** Usage counted at `bucket`. */
export function ringTotal(ring: WindowRing, bucket: number): number {
  let total = 0;
  const slotCount = ring.slots.length;
  for (let index = oldestLiveBucket(ring, bucket); index <= ring.newestBucket; index += 1) {
    total += ring.slots[slotOf(index, slotCount)]!;
  }
  return total;
}

/** The ring with every bucket up to `bucket` started (expired slots cleared). Never moves back. */
export function advanceRing(ring: WindowRing, bucket: number): WindowRing {
  if (bucket <= ring.newestBucket) return ring;
  const slotCount = ring.slots.length;
  if (bucket - ring.newestBucket >= slotCount) return { newestBucket: bucket, slots: new Array<number>(slotCount).fill(0) };
  const slots = ring.slots.slice();
  for (let index = ring.newestBucket + 1; index <= bucket; index += 1) slots[slotOf(index, slotCount)] = 0;
  return { newestBucket: bucket, slots };
}

/** Adds `amount` to the bucket current at `bucket` (the newest, if the clock went backwards). */
export function addToRing(ring: WindowRing, bucket: number, amount: number): WindowRing {
  const advanced = advanceRing(ring, bucket);
  const slots = advanced === ring ? ring.slots.slice() : (advanced.slots as number[]);
  const slot = slotOf(advanced.newestBucket, slots.length);
  slots[slot] = slots[slot]! + amount;
  return { newestBucket: advanced.newestBucket, slots };
}

/**
 * Takes back up to `amount` from bucket `chargedBucket` if that bucket is still counted; a bucket
 * that already left the window has nothing left to refund. Never drives a slot below zero.
 */
export function refundFromRing(ring: WindowRing, bucket: number, chargedBucket: number, amount: number): { ring: WindowRing; refunded: number } {
  const advanced = advanceRing(ring, bucket);
  const slotCount = advanced.slots.length;
  if (chargedBucket > advanced.newestBucket || chargedBucket <= advanced.newestBucket - slotCount) {
    return { ring: advanced, refunded: 0 };
  }
  const slot = slotOf(chargedBucket, slotCount);
  const refunded = Math.min(advanced.slots[slot]!, amount);
  if (refunded <= 0) return { ring: advanced, refunded: 0 };
  const slots = advanced.slots.slice();
  slots[slot] = slots[slot]! - refunded;
  return { ring: { newestBucket: advanced.newestBucket, slots }, refunded };
}

/**
 * The bucket whose expiry frees `excess` of the given per-bucket usage (oldest first), or undefined
 * when all of it expiring is not enough. `usageOfBucket(index)` reads the usage of live bucket `index`.
 */
export function bucketFreeingExcess(
  oldestBucket: number,
  newestBucket: number,
  excess: number,
  usageOfBucket: (bucketIndex: number) => number,
): number | undefined {
  let freed = 0;
  for (let index = oldestBucket; index <= newestBucket; index += 1) {
    freed += usageOfBucket(index);
    if (freed >= excess) return index;
  }
  return undefined;
}
