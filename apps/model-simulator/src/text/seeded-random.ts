import type { HashDigest } from './stable-hash';

/** sfc32: a small, fast PRNG whose whole sequence is fixed by a hash digest. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: HashDigest) {
    this.a = seed.high;
    this.b = seed.low;
    this.c = (seed.high ^ 0x9e3779b9) >>> 0;
    // The first outputs of sfc32 still correlate with the seed; discard them.
    for (let round = 0; round < 12; round++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, bound). */
  nextBelow(bound: number): number {
    return Math.floor(this.nextFloat() * bound);
  }
}
