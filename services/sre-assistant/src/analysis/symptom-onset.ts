import { robustBaseline, robustDeviation } from './robust-statistics';
import { onsetDeviation } from './series-change';
import { valuesIn } from './statistics';
import type { AnalysisWindows } from './windows';

type Points = ReadonlyArray<readonly [seconds: number, value: number]>;

// How far back a symptom's beginning is looked for: longer than the usual `for:` clauses.
const maximumLookBackMs = 30 * 60_000;

/**
 * When the alert's symptom began, if it was already under way before the anomaly window: an alert
 * is sent when it starts firing, after its rule's `for:` clause (Prometheus and vmalert both send
 * that time as startsAt), and the rule is unknown here. Walks back from the window's start while
 * the symptom stays at least three spreads on the side it moved to from its normal, the baseline
 * before those 30 minutes, and no further than them. Null when the point just before the window
 * is normal.
 */
export function symptomOnset(points: Points, direction: 'up' | 'down', windows: AnalysisWindows): Date | null {
  // Normal is what came before the stretch searched, which may be the symptom itself.
  const lookBackStart = new Date(windows.anomaly.start.getTime() - maximumLookBackMs);
  const beforeLookBack = { start: windows.baseline.start, end: new Date(lookBackStart.getTime() - windows.stepSeconds * 1000) };
  const normal = robustBaseline(valuesIn(points, beforeLookBack).map(([, value]) => value));
  if (!normal) return null;
  const changed = (value: number) => (direction === 'up' ? value > normal.median : value < normal.median) && robustDeviation(value, normal) >= onsetDeviation;
  const stretch = valuesIn(points, { start: lookBackStart, end: windows.baseline.end });
  let onset: number | null = null;
  for (let index = stretch.length - 1; index >= 0 && changed(stretch[index]![1]); index -= 1) onset = stretch[index]![0];
  return onset === null ? null : new Date(onset * 1000);
}
