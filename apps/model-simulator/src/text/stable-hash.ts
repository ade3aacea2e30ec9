/**
 * Incremental 64-bit (two 32-bit lanes) non-cryptographic hash in the style of cyrb53.
 * It only has to spread similar prompts over different seeds; it works on UTF-16 code units
 * directly so hashing a prompt allocates nothing.
 */
export class StableHasher {
  private lane1 = 0xdeadbeef;
  private lane2 = 0x41c6ce57;

  text(value: string): this {
    for (let index = 0; index < value.length; index++) this.mix(value.charCodeAt(index));
    // Terminator outside the code-unit range, so ("ab","c") and ("a","bc") differ.
    this.mix(0x1_0000);
    return this;
  }

  integer(value: number): this {
    this.mix(value | 0);
    this.mix(Math.floor(value / 0x1_0000_0000) | 0);
    return this;
  }

  /** Marks a structural boundary (start of a message, a field name...). */
  tag(tag: number): this {
    this.mix(0x2_0000 + tag);
    return this;
  }

  digest(): HashDigest {
    let lane1 = Math.imul(this.lane1 ^ (this.lane1 >>> 16), 2246822507);
    lane1 ^= Math.imul(this.lane2 ^ (this.lane2 >>> 13), 3266489909);
    let lane2 = Math.imul(this.lane2 ^ (this.lane2 >>> 16), 2246822507);
    lane2 ^= Math.imul(lane1 ^ (lane1 >>> 13), 3266489909);
    return { high: lane2 >>> 0, low: lane1 >>> 0 };
  }

  private mix(value: number): void {
    this.lane1 = Math.imul(this.lane1 ^ value, 2654435761);
    this.lane2 = Math.imul(this.lane2 ^ value, 1597334677);
  }
}

export interface HashDigest {
  readonly high: number;
  readonly low: number;
}
