/**
 * Weighted max-min fair split of `supply`: claimant i gets min(wants[i], weights[i] × level), with
 * one common level chosen so that either every want is met or the whole supply is handed out.
 * Claimants with weight 0 get nothing here (the caller decides what they are owed).
 *
 * Sorting claimants by want/weight lets each be settled once: O(n log n).
 */
export function waterFill(supply: number, wants: readonly number[], weights: readonly number[]): number[] {
  const given = wants.map(() => 0);
  const claimants = wants
    .map((_, index) => index)
    .filter((index) => weights[index]! > 0 && wants[index]! > 0)
    .sort((a, b) => wants[a]! / weights[a]! - wants[b]! / weights[b]!);

  const totalWant = claimants.reduce((sum, index) => sum + wants[index]!, 0);
  if (totalWant <= supply) {
    for (const index of claimants) given[index] = wants[index]!;
    return given;
  }

  // Suffix sums instead of running subtraction, so rounding cannot drive the weight left below zero.
  const weightFrom = new Array<number>(claimants.length + 1).fill(0);
  for (let k = claimants.length - 1; k >= 0; k -= 1) weightFrom[k] = weightFrom[k + 1]! + weights[claimants[k]!]!;

  let remaining = Math.max(0, supply);
  for (let k = 0; k < claimants.length; k += 1) {
    const index = claimants[k]!;
    const level = remaining / weightFrom[k]!;
    if (wants[index]! <= weights[index]! * level) {
      given[index] = wants[index]!;
      remaining = Math.max(0, remaining - wants[index]!);
      continue;
    }
    for (let rest = k; rest < claimants.length; rest += 1) {
      const restIndex = claimants[rest]!;
      given[restIndex] = weights[restIndex]! * level;
    }
    break;
  }
  return given;
}
