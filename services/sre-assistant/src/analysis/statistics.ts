import type { WindowStatistics } from '@sre/db';
import type { TimeWindow } from './windows';

/** Mean, spread and extremes of the samples that fall in [start, end]; null when there are none. */
export function windowStatistics(points: ReadonlyArray<readonly [seconds: number, value: number]>, window: TimeWindow): WindowStatistics | null {
  const from = window.start.getTime() / 1000;
  const to = window.end.getTime() / 1000;
  const values = points.filter(([seconds]) => seconds >= from && seconds <= to).map(([, value]) => value);
  if (values.length === 0) return null;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return {
    start: window.start.toISOString(),
    end: window.end.toISOString(),
    mean,
    stddev: Math.sqrt(variance),
    min: Math.min(...values),
    max: Math.max(...values),
    samples: values.length,
  };
}

/**
 * How far the anomaly's mean moved from the baseline's, in baseline standard deviations. A flat
 * baseline has no spread, so the noise is floored at 1 % of the larger magnitude: a series that
 * steps from 100 to 101 scores 1, not infinity.
 */
export function changeScore(baseline: WindowStatistics, anomaly: WindowStatistics): number {
  const shift = Math.abs(anomaly.mean - baseline.mean);
  if (shift === 0) return 0;
  const noise = Math.max(baseline.stddev, 0.01 * Math.max(Math.abs(baseline.mean), Math.abs(anomaly.mean)));
  return shift / noise;
}
