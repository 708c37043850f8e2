import type { WindowStatistics } from '@sre/db';
import { robustBaseline, signedDeviation } from './robust-statistics';
import { valuesIn, windowStatistics } from './statistics';
import type { AnalysisWindows } from './windows';

/** How one series changed from its baseline in the anomaly window, up to the time a cause of the alert shows by. */
export interface SeriesChange {
  /** Robust deviations from the baseline that the series held, on one side of it, for two consecutive samples (or holds at its newest, beyond anything the baseline reached). */
  score: number;
  direction: 'up' | 'down';
  /** The first point of the anomaly window from which the change held: when it began. */
  onset: Date;
  baseline: WindowStatistics;
  /** The anomaly window's values up to the cause horizon: what was judged. */
  anomaly: WindowStatistics;
  /** The strongest change held only after the cause horizon, when it is larger: what began after the alert. */
  later: { score: number; direction: 'up' | 'down' } | null;
}

// Fewer baseline points than this (minutes, at the analysis step) say too little about normal.
export const minimumBaselinePoints = 10;
// A point this many spreads from normal counts as changed when finding the onset.
export const onsetDeviation = 3;
// A cause comes before its effect. A change first seen after the alert, later than one of the
// series' samples (jitter included) and two steps for the scrape and the query to catch up, is a
// consequence or a coincidence: responders restarting or scaling things, retries, a noisy
// neighbour. Only points up to then score; it matters when the diagnosis runs, or is run again,
// minutes after the alert (three minutes for a one-minute series, nine for a five-minute one).
const causeLagSteps = 2;

/** Whether the baseline window holds enough of the series to say what its normal is. */
export const hasBaseline = (points: ReadonlyArray<readonly [seconds: number, value: number]>, windows: AnalysisWindows) =>
  valuesIn(points, windows.baseline).length >= minimumBaselinePoints;

/**
 * Scores one series' change: the deviation it sustained in the anomaly window up to the cause
 * horizon, measured against the baseline's median and spread. Null when either window has too
 * little data to judge.
 */
export function seriesChange(points: ReadonlyArray<readonly [seconds: number, value: number]>, windows: AnalysisWindows): SeriesChange | null {
  const baselineValues = valuesIn(points, windows.baseline).map(([, value]) => value);
  const anomalyPoints = valuesIn(points, windows.anomaly);
  if (baselineValues.length < minimumBaselinePoints || anomalyPoints.length === 0) return null;
  const normal = robustBaseline(baselineValues)!;
  // A change must hold: one scrape's outlier followed by normal values is not a fault, so a point
  // counts only as far as the next sample agrees, on the same side of normal (a series flapping
  // round its median has not changed). Samples past the window, when the diagnosis runs after it
  // ended, say whether a change at its end held. The newest samples have no successor yet, so a
  // change that is still going on counts from its first sample, unless the baseline already went
  // as far: a series that bursts now and then, bursting as far again, is no news until it holds.
  const later = valuesIn(points, { start: new Date(windows.anomaly.end.getTime() + 1), end: windows.dataEnd });
  const values = [...anomalyPoints, ...later].map(([, value]) => value);
  const deviations = values.map((value) => signedDeviation(value, normal));
  // It holds when it outlasts one sample. A scrape whose time jitters across a step boundary makes
  // one run a step shorter and the next a step longer, so a coarse series' shortest run may be one
  // step below a sample's span and one sample may cover two steps more than that.
  const oneSampleAtMost = stepsCoveredByOneSample(baselineValues);
  const span = oneSampleAtMost + 1;
  // How far the series' usual bursts reach: the baseline's range, leaving out the episodes in which
  // it held a change (an earlier incident is no burst, and reaching its level again is news).
  const episode = heldEpisodes(baselineValues.map((value) => signedDeviation(value, normal)), span);
  const usual = baselineValues.filter((_, index) => !episode[index]);
  const [lowest, highest] = [Math.min(...usual), Math.max(...usual)];
  const seenBefore = (value: number) => value >= lowest && value <= highest;
  // The values from here on could all be one sample, and the baseline already went that far: a
  // burst that may not last. For a coarse series that is up to its span and two steps (a five-minute
  // series' change inside its usual range counts from its eighth minute on; beyond it, at once).
  const unconfirmedBurst = anomalyPoints.map((_, index) => values.length - index <= oneSampleAtMost && values.slice(index).every(seenBefore));
  const heldOn = (side: 1 | -1) => heldFrom(deviations, span, side).slice(0, anomalyPoints.length).map((held, index) => (unconfirmedBurst[index] ? 0 : held));
  const [above, below] = [heldOn(1), heldOn(-1)];
  // A baseline that never changed value says nothing of the scrape interval; the whole series may.
  const flat = baselineValues.every((value) => value === baselineValues[0]);
  const sampleSteps = flat ? stepsCoveredByOneSample([...baselineValues, ...values]) : oneSampleAtMost;
  const horizonSeconds = windows.alertStart.getTime() / 1000 + (sampleSteps + causeLagSteps) * windows.stepSeconds;
  const inTime = Math.max(1, anomalyPoints.filter(([seconds]) => seconds <= horizonSeconds).length);
  const strongest = (held: readonly number[]) => Math.max(...held.slice(0, inTime));
  const direction = strongest(above) >= strongest(below) ? 'up' : 'down';
  const held = direction === 'up' ? above : below;
  const score = strongest(held);
  const onsetIndex = held.findIndex((deviation) => deviation >= Math.min(onsetDeviation, score));
  const [laterAbove, laterBelow] = [Math.max(0, ...above.slice(inTime)), Math.max(0, ...below.slice(inTime))];
  const laterScore = Math.max(laterAbove, laterBelow);
  return {
    score,
    direction,
    onset: new Date(anomalyPoints[onsetIndex]![0] * 1000),
    baseline: windowStatistics(baselineValues, windows.baseline)!,
    anomaly: windowStatistics(
      anomalyPoints.slice(0, inTime).map(([, value]) => value),
      { start: windows.anomaly.start, end: new Date(Math.min(windows.anomaly.end.getTime(), horizonSeconds * 1000)) },
    )!,
    later: laterScore > score ? { score: laterScore, direction: laterAbove >= laterBelow ? 'up' : 'down' } : null,
  };
}

/**
 * How far the series held on one side of normal from each point: the least deviation over the
 * `span` points from there (fewer at the end), and nothing when they straddle normal.
 */
function heldFrom(deviations: readonly number[], span: number, side: 1 | -1): number[] {
  return deviations.map((_, index) => Math.max(0, Math.min(...deviations.slice(index, index + span).map((deviation) => side * deviation))));
}

/**
 * Which points belong to a change the series held, at least `span` points in a row at
 * `onsetDeviation` or more on one side of normal. At most half the points can: those between the
 * quartiles lie within one spread of the median.
 */
function heldEpisodes(deviations: readonly number[], span: number): boolean[] {
  const [above, below] = [heldFrom(deviations, span, 1), heldFrom(deviations, span, -1)];
  const held = deviations.map(() => false);
  for (let start = 0; start + span <= deviations.length; start++) {
    if (Math.max(above[start]!, below[start]!) >= onsetDeviation) held.fill(true, start, start + span);
  }
  return held;
}

/** How many analysis steps one sample may cover: its span, and two steps more for a coarse series' scrape jitter. */
function stepsCoveredByOneSample(values: readonly number[]): number {
  const perSample = stepsPerSample(values);
  return perSample > 1 ? perSample + 2 : 1;
}

/**
 * How many analysis steps one sample of the series spans. A range query repeats a series' last
 * sample at every step until the next arrives, so a series scraped every five minutes shows each
 * value five times at a one-minute step. The shortest run of one value between two changes in the
 * baseline is that span; a series that changes value from step to step, or never, spans one.
 */
export function stepsPerSample(values: readonly number[]): number {
  let shortest = Number.POSITIVE_INFINITY;
  let runStart = 0;
  for (let index = 1; index < values.length; index++) {
    if (values[index] === values[index - 1]) continue;
    // The first run may have begun before the window: only runs with a change at both ends count.
    if (runStart > 0) shortest = Math.min(shortest, index - runStart);
    runStart = index;
  }
  return Number.isFinite(shortest) ? shortest : 1;
}
