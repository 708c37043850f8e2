/** The q-quantile of ascending values, interpolated linearly between neighbours (numpy's default). */
export function quantile(sortedValues: readonly number[], q: number): number {
  if (sortedValues.length === 0) return Number.NaN;
  const position = (sortedValues.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sortedValues[below]! + (sortedValues[above]! - sortedValues[below]!) * (position - below);
}

/** What normal looked like for one series, described by statistics that a few outliers cannot move. */
export interface RobustBaseline {
  median: number;
  /** Interquartile range: q75 − q25. */
  iqr: number;
  /** Half the distance between q10 and q90: how far the series' usual bursts reach. */
  halfSpread: number;
  samples: number;
}

/** Median, IQR and burst reach of the finite values; null when there are none. */
export function robustBaseline(values: readonly number[]): RobustBaseline | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return {
    median: quantile(sorted, 0.5),
    iqr: quantile(sorted, 0.75) - quantile(sorted, 0.25),
    halfSpread: (quantile(sorted, 0.9) - quantile(sorted, 0.1)) / 2,
    samples: sorted.length,
  };
}

// A constant baseline has no spread; dividing by zero would make any wobble infinitely
// surprising. The noise floor is then 1 % of the baseline's level, so a move from 100 to 101
// scores 1. A baseline flat at zero has no level either: there the floor is 5 % of the new
// value, so any move away from zero scores 20 — large, but finite and comparable.
const relativeNoiseFloor = 0.01;
const fromZeroNoiseFloor = 0.05;

/**
 * How many "normal spreads" a value lies from the baseline's median, positive above it and
 * negative below. The spread is the larger of the IQR and the reach of the usual bursts, so a
 * series that spikes every few minutes is not surprising when it spikes again.
 */
export function signedDeviation(value: number, baseline: RobustBaseline): number {
  const distance = value - baseline.median;
  if (distance === 0) return 0;
  const floor = baseline.median !== 0 ? relativeNoiseFloor * Math.abs(baseline.median) : fromZeroNoiseFloor * Math.abs(value);
  return distance / Math.max(baseline.iqr, baseline.halfSpread, floor);
}
