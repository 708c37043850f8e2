// The few statistics the readers and reference methods share, defined as numpy defines them so
// figures match the published implementations.

/** The q-quantile (0 ≤ q ≤ 1) of ascending values, interpolated linearly like numpy's default. */
export function quantileOfSorted(sortedValues: readonly number[], q: number): number {
  if (sortedValues.length === 0) return Number.NaN;
  const position = (sortedValues.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const lower = sortedValues[below]!;
  return lower + (sortedValues[above]! - lower) * (position - below);
}

/** Median and interquartile range (q75 − q25) of values in any order. */
export function medianAndInterquartileRange(values: readonly number[]): { median: number; interquartileRange: number } {
  const sorted = [...values].sort((left, right) => left - right);
  return {
    median: quantileOfSorted(sorted, 0.5),
    interquartileRange: quantileOfSorted(sorted, 0.75) - quantileOfSorted(sorted, 0.25),
  };
}

/** Mean and population standard deviation (numpy's `std` with ddof 0). */
export function meanAndStandardDeviation(values: readonly number[]): { mean: number; standardDeviation: number } {
  if (values.length === 0) return { mean: Number.NaN, standardDeviation: Number.NaN };
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, standardDeviation: Math.sqrt(variance) };
}

/** Up to `count` items spread evenly over the list (the middle of each of `count` equal slices). */
export function pickEvenlySpread<T>(items: readonly T[], count: number): T[] {
  const taken = Math.max(0, Math.min(Math.floor(count), items.length));
  return Array.from({ length: taken }, (_, index) => items[Math.floor(((index + 0.5) * items.length) / taken)]!);
}
