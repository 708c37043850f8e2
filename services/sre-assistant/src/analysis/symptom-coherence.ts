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
 * rose). A series that was flat there, or shares too few points with the symptom, scores 0.
 */
export function coherenceWith(symptom: Points, windows: AnalysisWindows): (series: Points) => number {
  const stretch = { start: new Date(windows.anomaly.start.getTime() - leadInMs), end: windows.anomaly.end };
  const slot = (seconds: number) => Math.round(seconds / windows.stepSeconds);
  const symptomAt = new Map(valuesIn(symptom, stretch).map(([seconds, value]) => [slot(seconds), value]));
  return (series) => {
    const pairs = valuesIn(series, stretch).flatMap(([seconds, value]) => {
      const other = symptomAt.get(slot(seconds));
      return other === undefined ? [] : [[value, other] as const];
    });
    if (pairs.length < minimumSharedPoints) return 0;
    const correlation = Math.abs(pearson(pairs));
    // Values near the float limits overflow the sums; such a series says nothing either way.
    return Number.isFinite(correlation) ? correlation : 0;
  };
}

function pearson(pairs: ReadonlyArray<readonly [number, number]>): number {
  const meanX = pairs.reduce((sum, [x]) => sum + x, 0) / pairs.length;
  const meanY = pairs.reduce((sum, [, y]) => sum + y, 0) / pairs.length;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (const [x, y] of pairs) {
    covariance += (x - meanX) * (y - meanY);
    varianceX += (x - meanX) ** 2;
    varianceY += (y - meanY) ** 2;
  }
  return varianceX === 0 || varianceY === 0 ? 0 : covariance / Math.sqrt(varianceX * varianceY);
}
