/** What a bundle's per-leaf check (root recomputation or inclusion proofs) does with each event. */
export interface LeafCheck {
  accept(leafIndex: number, leafHash: Uint8Array, line: number): void;
  finish(): void;
  /** Signed roots reproduced, or inclusion proofs verified. */
  readonly verifiedCount: number;
}
