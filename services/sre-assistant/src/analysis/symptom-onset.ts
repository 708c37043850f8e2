import { robustBaseline, signedDeviation } from './robust-statistics';
import { minimumBaselinePoints, onsetDeviation, stepsPerSample } from './series-change';
import { valuesIn } from './statistics';
import type { AnalysisWindows } from './windows';

type Points = ReadonlyArray<readonly [seconds: number, value: number]>;

// How far back a symptom's beginning is looked for: longer than the usual `for:` clauses.
const maximumLookBackMs = 30 * 60_000;

export interface SymptomOnset {
  began: Date;
  /** The walk stopped at the look-back limit: the symptom may have begun earlier still. */
  capped: boolean;
}

/**
 * When the alert's symptom began, if it was already under way before the anomaly window: an alert
 * is sent when it starts firing, after its rule's `for:` clause (Prometheus and vmalert both send
 * that time as startsAt), and the rule is unknown here. Walks back from the window's start while
 * the symptom stays at least three spreads from its normal on the side it moved to, at most 30
 * minutes. Normal is the baseline before those 30 minutes, so a symptom much older than that
 * (about 45 minutes, when it fills a tenth of the baseline) has spoiled its own normal and is not
 * followed. Null when the symptom was normal just before the window, or off normal for no longer
 * than one sample's span (a change must hold), or when its normal is too short to know.
 */
export function symptomOnset(points: Points, direction: 'up' | 'down', windows: AnalysisWindows): SymptomOnset | null {
  const lookBackStart = new Date(windows.anomaly.start.getTime() - maximumLookBackMs);
  const beforeLookBack = { start: windows.baseline.start, end: new Date(lookBackStart.getTime() - windows.stepSeconds * 1000) };
  const normalValues = valuesIn(points, beforeLookBack).map(([, value]) => value);
  const normal = robustBaseline(normalValues);
  if (!normal || normal.samples < minimumBaselinePoints) return null;
  const side = direction === 'up' ? 1 : -1;
  const changed = (value: number) => side * signedDeviation(value, normal) >= onsetDeviation;
  const stretch = valuesIn(points, { start: lookBackStart, end: windows.baseline.end });
  let first = stretch.length;
  while (first > 0 && changed(stretch[first - 1]![1])) first -= 1;
  const run = stretch.length - first;
  if (run === 0 || run < stepsPerSample(normalValues) + 1) return null;
  return { began: new Date(stretch[first]![0] * 1000), capped: first === 0 };
}
