/** A half-open stretch of time. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

/** Where to look: a quiet baseline before the alert and the anomaly around its start. */
export interface AnalysisWindows {
  baseline: TimeWindow;
  anomaly: TimeWindow;
  stepSeconds: number;
}

// Prometheus and vmalert report an alert's startsAt as the moment its condition first held, so
// the change begins shortly before it (scrape and evaluation delays). The baseline ends where
// the anomaly window begins so that the change itself never counts as normal.
const anomalyLeadMs = 2 * 60_000;
const anomalyTailMs = 10 * 60_000;
const baselineMs = 60 * 60_000;
const stepSeconds = 15;

/** The baseline and anomaly windows for an alert that started at `alertStart`, as seen at `now`. */
export function analysisWindows(alertStart: Date, now: Date): AnalysisWindows {
  const anomalyStart = new Date(alertStart.getTime() - anomalyLeadMs);
  // A diagnosis asked for right away sees the data up to now; a later one stops after the tail.
  const anomalyEnd = new Date(Math.max(alertStart.getTime(), Math.min(now.getTime(), alertStart.getTime() + anomalyTailMs)));
  return {
    baseline: { start: new Date(anomalyStart.getTime() - baselineMs), end: anomalyStart },
    anomaly: { start: anomalyStart, end: anomalyEnd },
    stepSeconds,
  };
}
