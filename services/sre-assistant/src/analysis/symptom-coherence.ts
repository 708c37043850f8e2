import { valuesIn } from './statistics';
import type { AnalysisWindows } from './windows';

type Points = ReadonlyArray<readonly [seconds: number, value: number]>;

// The stretch over which a series is compared with the symptom: the anomaly window and the
// twenty minutes before it, long enough to see whether a change began with the symptom or long
// before it, short enough that the hours of normal do not drown the change in agreement.
const leadInMs = 20 * 60_000;
// Fewer shared points than this say nothing about moving together.
const minimumSharedPoints = 5;

/**
 * Measures how closely a series moved with the alert's symptom around its start: the absolute
 * Pearson correlation of the two at the analysis step, 0 (unrelated) to 1 (in step). Absolute,
 * because a cause may move the other way (traffic that fell, success that dropped while latency
 * rose). A series that was flat there scores 0; one that shares too few points with the symptom
 * cannot be compared and gives null.
 */
export function coherenceWith(symptom: Points, windows: AnalysisWindows): (series: Points) => number | null {
  const stretch = { start: new Date(windows.anomaly.start.getTime() - leadInMs), end: windows.anomaly.end };
  // Range queries put every series on one step grid, so a point's slot is exact; rounding only
  // absorbs the float error of seconds-as-numbers.
  const slot = (seconds: number) => Math.round(seconds / windows.stepSeconds);
  const symptomAt = new Map(valuesIn(symptom, stretch).map(([seconds, value]) => [slot(seconds), value]));
  return (series) => {
    const pairs = valuesIn(series, stretch).flatMap(([seconds, value]) => {
      const other = symptomAt.get(slot(seconds));
      return other === undefined ? [] : [[value, other] as const];
    });
    return pairs.length < minimumSharedPoints ? null : Math.abs(pearson(pairs));
  };
}

function pearson(pairs: ReadonlyArray<readonly [number, number]>): number {
  // Correlation does not depend on scale; scaling to at most 1 keeps the squares far from overflow.
  const scaleX = Math.max(...pairs.map(([x]) => Math.abs(x))) || 1;
  const scaleY = Math.max(...pairs.map(([, y]) => Math.abs(y))) || 1;
  const scaled = pairs.map(([x, y]) => [x / scaleX, y / scaleY] as const);
  const meanX = scaled.reduce((sum, [x]) => sum + x, 0) / scaled.length;
  const meanY = scaled.reduce((sum, [, y]) => sum + y, 0) / scaled.length;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (const [x, y] of scaled) {
    covariance += (x - meanX) * (y - meanY);
    varianceX += (x - meanX) ** 2;
    varianceY += (y - meanY) ** 2;
  }
  return varianceX === 0 || varianceY === 0 ? 0 : covariance / Math.sqrt(varianceX * varianceY);
}
