// The JSON inside ai_analyses, written by the assistant and read by the control plane. It is
// evidence a person checks at 3 a.m., so every number says where it came from.

/** A stretch of time and what one series did in it. Times are ISO 8601. */
export interface WindowStatistics {
  start: string;
  end: string;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  samples: number;
}

/** Why a hypothesis is believed: the exact query, the series, and both windows' statistics. */
export interface HypothesisEvidence {
  /** The PromQL sent to VictoriaMetrics, verbatim, so anyone can run it again. */
  query: string;
  /** The labels of the series that changed most. */
  series: Record<string, string>;
  baseline: WindowStatistics;
  anomaly: WindowStatistics;
}

/** One candidate cause, ranked: rank 1 is the most likely. */
export interface AnalysisHypothesis {
  rank: number;
  /** The entity's name: a device's name, or the alert label that identified it (`instance=db-1:9100`). */
  entity: string;
  /** Set when the entity is a device in the control plane's inventory. */
  deviceId: string | null;
  metric: string;
  direction: 'up' | 'down';
  /** How far the anomaly window moved from the baseline, in baseline standard deviations (floored). */
  score: number;
  /** One sentence a person can read: "node_load1 on db-1 rose from 0.4 to 7.9". */
  statement: string;
  evidence: HypothesisEvidence;
}

/** Everything the analysis consulted, including what it could not get (status `missing`). */
export interface EvidenceRecord {
  source: 'victoriametrics' | 'control-plane';
  description: string;
  /** The query or API path, verbatim; null when nothing was sent. */
  query: string | null;
  status: 'ok' | 'no_data' | 'missing';
  /** Why evidence is missing or limited (an upstream's error, "truncated at 500 series"). */
  detail: string | null;
}
