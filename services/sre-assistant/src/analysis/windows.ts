import type { TimeWindow } from '@sre/victoriametrics';

// The analysis modules take their windows from here; the shape is the VictoriaMetrics client's.
export type { TimeWindow };

/** Where to look: a long baseline of normal behaviour before the alert and the anomaly around its start. */
export interface AnalysisWindows {
  /** When the alert began firing: a cause's change shows by then, or soon after (the cause horizon, series-change.ts). */
  alertStart: Date;
  baseline: TimeWindow;
  anomaly: TimeWindow;
  /**
   * How far the series are fetched: past the anomaly window, when the diagnosis runs after it
   * ended, by enough samples to see whether a change at its end held. Never past the present.
   */
  dataEnd: Date;
  stepSeconds: number;
}

// An alert's startsAt is when it began firing (Prometheus and vmalert send the time its `for:`
// clause was met), so the change began earlier: by a scrape and an evaluation interval at least,
// which the lead covers. A longer `for:` shows in the data and moves the windows (anchoredAt).
// The baseline ends where the anomaly window begins, so the change never counts as normal, and
// spans hours: long enough that a metric's usual bursts are part of "normal" and that an earlier
// incident inside it is outvoted by the median.
const anomalyLeadMs = 2 * 60_000;
const anomalyTailMs = 10 * 60_000;
const baselineMs = 3 * 60 * 60_000;
// Enough for two samples of a series scraped every five minutes.
const holdMarginMs = 10 * 60_000;
// One point a minute: 180 baseline points per series, whatever the scrape interval.
const stepSeconds = 60;

/** The baseline and anomaly windows for an alert that started at `alertStart`, as seen at `now`. */
export function analysisWindows(alertStart: Date, now: Date): AnalysisWindows {
  const anomalyStart = new Date(alertStart.getTime() - anomalyLeadMs);
  // A diagnosis asked for right away sees the data up to now; a later one stops after the tail.
  const anomalyEnd = new Date(Math.max(alertStart.getTime(), Math.min(now.getTime(), alertStart.getTime() + anomalyTailMs)));
  return {
    alertStart,
    baseline: { start: new Date(anomalyStart.getTime() - baselineMs), end: new Date(anomalyStart.getTime() - stepSeconds * 1000) },
    anomaly: { start: anomalyStart, end: anomalyEnd },
    dataEnd: new Date(Math.max(anomalyEnd.getTime(), Math.min(now.getTime(), anomalyEnd.getTime() + holdMarginMs))),
    stepSeconds,
  };
}

/**
 * The same windows with the anomaly moved back to just before `changeBegan` (when the symptom
 * turned out to have begun earlier than the alert said), never later. The baseline keeps its
 * start, so no more data is needed, and ends a step before the anomaly now begins.
 */
export function anchoredAt(windows: AnalysisWindows, changeBegan: Date): AnalysisWindows {
  const anomalyStart = new Date(Math.min(windows.anomaly.start.getTime(), changeBegan.getTime() - anomalyLeadMs));
  return {
    ...windows,
    baseline: { start: windows.baseline.start, end: new Date(anomalyStart.getTime() - windows.stepSeconds * 1000) },
    anomaly: { start: anomalyStart, end: windows.anomaly.end },
  };
}
