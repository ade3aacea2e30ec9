import fc from 'fast-check';
import { addToRing, advanceRing, bucketFreeingExcess, emptyRing, refundFromRing, ringTotal, type WindowRing } from './window-ring';

const SLOTS = 13; // one minute in 5 s buckets, plus one

describe('WindowRing', () => {
  it('counts an amount from its bucket until slotCount buckets later, then forgets it', () => {
    let ring = addToRing(emptyRing(SLOTS), 100, 7);
    ring = addToRing(ring, 105, 5);
    expect(ringTotal(ring, 105)).toBe(12);
    expect(ringTotal(ring, 112)).toBe(12);
    expect(ringTotal(ring, 113)).toBe(5);
    expect(ringTotal(ring, 117)).toBe(5);
    expect(ringTotal(ring, 118)).toBe(0);
  });

  it('clears expired slots when advancing, and refunds only buckets still counted', () => {
    let ring: WindowRing = addToRing(emptyRing(SLOTS), 10, 9);
    ring = addToRing(advanceRing(ring, 30), 30, 4);
    expect(ring.slots.reduce((sum, slot) => sum + slot, 0)).toBe(4);
    expect(refundFromRing(ring, 30, 10, 9).refunded).toBe(0);
    const refund = refundFromRing(ring, 31, 30, 10);
    expect(refund.refunded).toBe(4);
    expect(ringTotal(refund.ring, 31)).toBe(0);
  });

  it('charges to the newest bucket when the clock goes backwards', () => {
    const ring = addToRing(addToRing(emptyRing(SLOTS), 50, 1), 45, 2);
    expect(ring.newestBucket).toBe(50);
    expect(ringTotal(ring, 62)).toBe(3);
    expect(ringTotal(ring, 63)).toBe(0);
  });

  it('agrees with a plain list of (bucket, amount) entries for any sequence of additions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 1_000 })), { maxLength: 60 }), (steps) => {
        let ring = emptyRing(SLOTS);
        let bucket = 0;
        const entries: { bucket: number; amount: number }[] = [];
        for (const [gap, amount] of steps) {
          bucket += gap;
          ring = addToRing(ring, bucket, amount);
          entries.push({ bucket, amount });
          const live = entries.filter((entry) => entry.bucket > bucket - SLOTS);
          expect(ringTotal(ring, bucket)).toBe(live.reduce((sum, entry) => sum + entry.amount, 0));
          const excess = 1 + Math.floor(amount / 2);
          const freedAt = bucketFreeingExcess(bucket - SLOTS + 1, bucket, excess, (index) =>
            live.filter((entry) => entry.bucket === index).reduce((sum, entry) => sum + entry.amount, 0),
          );
          const expected = live
            .map((entry) => entry.bucket)
            .sort((a, b) => a - b)
            .find((candidate) => live.filter((entry) => entry.bucket <= candidate).reduce((sum, entry) => sum + entry.amount, 0) >= excess);
          expect(freedAt).toBe(expected);
        }
      }),
      { numRuns: 200 },
    );
  });
});
