import type { WindowStatistics } from '@sre/db';
import { quantile } from './robust-statistics';
import type { TimeWindow } from './windows';

/** The finite values of the samples that fall in [start, end], in time order. */
export function valuesIn(points: ReadonlyArray<readonly [seconds: number, value: number]>, window: TimeWindow): Array<[seconds: number, value: number]> {
  const from = window.start.getTime() / 1000;
  const to = window.end.getTime() / 1000;
  return points.filter(([seconds, value]) => seconds >= from && seconds <= to && Number.isFinite(value)).map(([seconds, value]) => [seconds, value]);
}

/** What a person checking the evidence wants to see of a window's values: centre, spread and extremes. Null without values. */
export function windowStatistics(values: readonly number[], window: TimeWindow): WindowStatistics | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return {
    start: window.start.toISOString(),
    end: window.end.toISOString(),
    mean,
    stddev: Math.sqrt(variance),
    median: quantile(sorted, 0.5),
    iqr: quantile(sorted, 0.75) - quantile(sorted, 0.25),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    samples: values.length,
  };
}
