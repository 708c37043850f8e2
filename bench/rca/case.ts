// The benchmark's view of a root-cause dataset, whatever its format. The readers (nezha.ts,
// petshop.ts) produce it; the harness loads it into the platform; the scorer alone reads the
// truths, which live beside the cases, never inside them, so nothing that feeds a method can
// carry the answer.

/** Which time the alert is raised at: the SLI alert's own start, or the fault's injection. */
export type TimeMode = 'alert' | 'inject';

/** One series as the dataset has it, in the dataset's own time (unix seconds). */
export interface DatasetSeries {
  /** Prometheus labels: `__name__` and `service` (the component it belongs to), maybe more. */
  labels: Record<string, string>;
  points: Array<[seconds: number, value: number]>;
}

/** The system's components and which calls which (a caller depends on its callee). */
export interface SystemGraph {
  services: string[];
  calls: Array<{ from: string; to: string }>;
}

/** The metrics and call graph one stretch of the dataset shares (a Nezha day, a PetShop issue). */
export interface CaseGroup {
  id: string;
  graph: SystemGraph;
  series: DatasetSeries[];
}

/** One diagnosis to ask for: an alert at a time, over a group's data. */
export interface RcaCase {
  id: string;
  /** The CaseGroup whose series and graph the case uses. */
  group: string;
  /** For reports: the Nezha day or the PetShop scenario. */
  scenario: string;
  /** `normal`: a window with no fault, where the right answer is "inconclusive". */
  kind: 'fault' | 'normal';
  /** Nezha's inject_type; null for PetShop and for normal windows. */
  faultType: string | null;
  /** The SLI the alert is about: `latency`, `availability`, … */
  alertMetric: string;
  alert: {
    /** The labels of the SLI alert, as Alertmanager would send them. */
    labels: Record<string, string>;
    /** Unix seconds, dataset time, per time mode. */
    at: Record<TimeMode, number>;
    /** False when the SLI never breached in alert mode (`at.alert` then falls back to `at.inject`). */
    fired: boolean;
  };
  /** Dataset-time bounds of the group's data (unix seconds); the harness loads no sample outside them. */
  dataRange: { start: number; end: number };
}

/** The answer, for the scorer only. */
export interface CaseTruth {
  service: string;
  /** The metric that reveals the fault, when the dataset names one. */
  indicator: string | null;
}

export interface Dataset {
  format: 'nezha' | 'petshop';
  groups: Map<string, CaseGroup>;
  cases: RcaCase[];
  truths: Map<string, CaseTruth>;
}

/** The first and last sample time (dataset seconds) across series whose points are in time order; start > end when there is no sample. */
export function seriesTimeRange(series: readonly DatasetSeries[]): { start: number; end: number } {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const { points } of series) {
    if (points.length === 0) continue;
    start = Math.min(start, points[0]![0]);
    end = Math.max(end, points[points.length - 1]![0]);
  }
  return { start, end };
}

/** Orders strings by UTF-16 code units, never by locale, so rankings and graphs come out the same on every machine. */
export function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
