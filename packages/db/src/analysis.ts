// The JSON inside ai_analyses, written by the assistant and read by the control plane. It is
// evidence a person checks at 3 a.m., so every number says where it came from.

/** A stretch of time and what one series did in it. Times are ISO 8601. */
export interface WindowStatistics {
  start: string;
  end: string;
  mean: number;
  stddev: number;
  /** Median and interquartile range: the statistics the ranking uses (absent before deterministic-v2). */
  median?: number;
  iqr?: number;
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

/** What kind of fault a metric points at, from its name. */
export type FaultKind = 'cpu' | 'memory' | 'latency' | 'errors' | 'traffic' | 'network' | 'disk' | 'other';

/** Another series of the same entity that changed too: the hypothesis rests on all of them. */
export interface SupportingSignal {
  metric: string;
  kind: FaultKind;
  direction: 'up' | 'down';
  score: number;
  /** PromQL that selects exactly this series. */
  query: string;
}

/** One candidate cause, ranked: rank 1 is the most likely. */
export interface AnalysisHypothesis {
  rank: number;
  /** The entity's name: a device's name, or the alert label that identified it (`instance=db-1:9100`). */
  entity: string;
  /** Set when the entity is a device in the control plane's inventory. */
  deviceId: string | null;
  /** The entity's strongest metric (deterministic-v2: by deviation weighed by its correlation with the alert's symptom). */
  metric: string;
  direction: 'up' | 'down';
  /**
   * How strongly the entity changed. deterministic-v1: its metric's shift in baseline standard
   * deviations; deterministic-v2: the sum of log(1 + strength) over its three strongest metrics,
   * a strength being the robust deviation weighed by the series' correlation with the symptom.
   */
  score: number;
  /** One sentence a person can read: "node_load1 on db-1 rose from 0.4 to 7.9". */
  statement: string;
  evidence: HypothesisEvidence;
  /** deterministic-v2: the fault kind its metrics point at. */
  kind?: FaultKind;
  /** deterministic-v2: 0–1, how likely this is the cause (see docs/operations.md for how it is calibrated). */
  confidence?: number;
  /** deterministic-v2: when the change began (ISO 8601), which may be before the alert started. */
  onset?: string;
  /** deterministic-v2: the entity's changed series, strongest (weighed) first, each with its unweighed deviation. */
  signals?: SupportingSignal[];
}

/** Whether the analysis names a likely cause, or found nothing that stands out. */
export type AnalysisVerdict = 'likely_cause' | 'inconclusive';

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

/** One tool call of the agent, as recorded: enough for a person to repeat it and check the answer. */
export interface ToolCallRecord {
  /** `T1`, `T2`, …: what the answer's claims cite. */
  id: string;
  tool: string;
  /** The arguments the model passed, verbatim. */
  arguments: unknown;
  /** `refused`: unknown tool or arguments that failed validation; `error`: the tool or its upstream failed. */
  status: 'ok' | 'error' | 'refused';
  /** One line: what came back, or why nothing did. */
  summary: string;
  /** True when the tool or the size limit left part of the output out. */
  truncated: boolean;
  /** Size of the output the model saw, in bytes of JSON. */
  outputBytes: number;
  /** sha256 of that output, hex: ties the record to what the model read. */
  digest: string;
  startedAt: string;
  durationMs: number;
}

/** A statement of the agent's answer with the tool calls it rests on. */
export interface GroundedClaim {
  text: string;
  /** Cited tool-call ids that exist in the transcript and succeeded. */
  evidence: string[];
  /** Cited ids that are not in the transcript, or whose call failed: they support nothing. */
  rejectedEvidence: string[];
  /** False when no valid evidence remains: shown as unsupported, never as a finding. */
  grounded: boolean;
}

/** The agent's answer after its citations were checked against the transcript. */
export interface AgentNarrative {
  summary: GroundedClaim;
  hypotheses: Array<GroundedClaim & { entity: string | null; confidence: number }>;
  /** What to check or do next; advice, not findings, so it needs no evidence. */
  nextSteps: Array<{ action: string; rationale: string }>;
}

/** How an agent run went, for the analysis row and the metrics. */
export interface AgentRunFigures {
  /** `answered`, or why there is no narrative (no model configured, the model failing, …). */
  narrative: { status: 'answered' | 'unavailable'; reason: string | null };
  model: string | null;
  /** Why the tool loop ended; `content_filter`: the model's provider withheld its turn (safety, recitation, blocked terms). */
  stoppedBy: 'answer' | 'content_filter' | 'step_limit' | 'time_limit' | 'token_budget' | 'model_failure' | 'not_run';
  modelCalls: number;
  toolCalls: number;
  /** Cited ids that did not exist or failed, plus claims left with no evidence. */
  groundingRejections: number;
  tokens: { input: number; output: number; total: number };
  /** Estimated from the usage metadata and the configured prices; null when the price is unknown. */
  costUsd: number | null;
  latencyMs: number;
}
