import { z } from 'zod';
import { hasRole, type Role } from '@sre/auth';
import type { AnalysisHypothesis, AnalysisStatus, EvidenceRecord, TaskStatus, WindowStatistics } from '@sre/db';
import { describeFirstIssue } from '../errors';
import type { AgentReport, TaskEventLog } from './agent-report';

/** The least role that may ask the assistant for a diagnosis (the route's access rule and the button agree). */
export const diagnoseRole: Role = 'operator';

/** True when these roles may press Diagnose. */
export const mayRequestDiagnosis = (roles: readonly Role[]): boolean => hasRole(roles, diagnoseRole);

/** One diagnosis of an alert, as the assistant's task records it. */
export interface DiagnosisTask {
  id: string;
  status: TaskStatus;
  /** The person who asked, or the client id when automation did. */
  requestedBy: string;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  error: string | null;
}

/** A task as the database row names its fields. */
export function diagnosisTaskOf(row: {
  id: string;
  status: TaskStatus;
  requested_by: string;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  error: string | null;
}): DiagnosisTask {
  return { id: row.id, status: row.status, requestedBy: row.requested_by, createdAt: row.created_at, startedAt: row.started_at, completedAt: row.completed_at, error: row.error };
}

/** What the analysis found, or why its stored JSON could not be read. */
export type Findings =
  | { readable: true; hypotheses: AnalysisHypothesis[]; evidence: EvidenceRecord[] }
  | { readable: false; problem: string };

/** The assistant's analysis of one task. Every text in it is untrusted (model or upstream output). */
export interface Analysis {
  status: AnalysisStatus;
  summary: string | null;
  engine: string;
  error: string | null;
  completedAt: Date | null;
  findings: Findings;
  /** What the LLM agent added: its grounded narrative, its tool calls and its figures. */
  agent: AgentReport;
}

/** Everything the diagnosis panel of one alert shows. */
export interface DiagnosisOverview {
  alertId: string;
  /** The newest diagnosis, with its analysis once the assistant has written one and, while it runs, its latest steps. */
  latest: { task: DiagnosisTask; analysis: Analysis | undefined; events: TaskEventLog } | undefined;
  /** Older diagnoses, newest first. */
  earlier: DiagnosisTask[];
  /** When this was read; elapsed times are measured up to it. */
  asOf: Date;
}

/** A task the assistant has not finished: asking again would only duplicate it. */
export const isActive = (status: TaskStatus): boolean => status === 'queued' || status === 'running';

/** The evidence records the analysis could not obtain. */
export const missingEvidence = (evidence: readonly EvidenceRecord[]): EvidenceRecord[] => evidence.filter((record) => record.status === 'missing');

/**
 * The automatic policy: diagnose an alert whose `severity` label is one of `severities`
 * (already lower-cased by the configuration), compared case-insensitively.
 */
export function matchesAutoDiagnosePolicy(severity: string | null, severities: readonly string[]): boolean {
  if (severity === null) return false;
  return severities.includes(severity.trim().toLowerCase());
}

/** How long from `from` to `to`, for people: `0 s`, `42 s`, `3 min 05 s`, `2 h 07 min`. Negative spans (clock skew) read as 0 s. */
export function formatDuration(from: Date, to: Date): string {
  const seconds = Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const statisticFormat = new Intl.NumberFormat('en-US', {
  maximumSignificantDigits: 4,
  maximumFractionDigits: 3,
  roundingPriority: 'morePrecision',
  useGrouping: false,
});

/** A window statistic, short but faithful: large values keep their integer digits, small ones four significant digits. */
export const formatStatistic = (value: number): string => statisticFormat.format(value);

// The shapes of packages/db/src/analysis.ts. The assistant is another service: its JSON is
// checked here rather than trusted, so a change on its side degrades the panel visibly
// instead of breaking the page or rendering nonsense.
const timestamp = z.iso.datetime({ offset: true });

const windowStatisticsSchema: z.ZodType<WindowStatistics> = z.object({
  start: timestamp,
  end: timestamp,
  mean: z.number(),
  stddev: z.number(),
  min: z.number(),
  max: z.number(),
  samples: z.number().int().min(0),
});

const hypothesisSchema: z.ZodType<AnalysisHypothesis> = z.object({
  rank: z.number().int().min(1),
  entity: z.string(),
  deviceId: z.uuid().nullable(),
  metric: z.string(),
  direction: z.enum(['up', 'down']),
  score: z.number(),
  statement: z.string(),
  evidence: z.object({
    query: z.string(),
    series: z.record(z.string(), z.string()),
    baseline: windowStatisticsSchema,
    anomaly: windowStatisticsSchema,
  }),
});

const evidenceRecordSchema: z.ZodType<EvidenceRecord> = z.object({
  source: z.enum(['victoriametrics', 'control-plane']),
  description: z.string(),
  query: z.string().nullable(),
  status: z.enum(['ok', 'no_data', 'missing']),
  detail: z.string().nullable(),
});

const findingsSchema = z.object({ hypotheses: z.array(hypothesisSchema), evidence: z.array(evidenceRecordSchema) });

/** Reads an analysis' stored hypotheses and evidence; hypotheses come back ordered by rank. */
export function parseFindings(hypotheses: unknown, evidence: unknown): Findings {
  const parsed = findingsSchema.safeParse({ hypotheses, evidence });
  if (!parsed.success) return { readable: false, problem: describeFirstIssue(parsed.error) };
  return { readable: true, hypotheses: [...parsed.data.hypotheses].sort((a, b) => a.rank - b.rank), evidence: parsed.data.evidence };
}
