/** The three capacity dimensions a pool is measured in. Every limit and usage figure is per dimension. */
export const DIMENSIONS = ['tokensPerMinute', 'requestsPerMinute', 'concurrentRequests'] as const;

export type Dimension = (typeof DIMENSIONS)[number];

/** One value per dimension. `PoolCapacity` and every per-dimension limit use this shape. */
export type PerDimension<T> = { readonly [D in Dimension]: T };

export function perDimension<T>(valueFor: (dimension: Dimension) => T): PerDimension<T> {
  return {
    tokensPerMinute: valueFor('tokensPerMinute'),
    requestsPerMinute: valueFor('requestsPerMinute'),
    concurrentRequests: valueFor('concurrentRequests'),
  };
}
