import { z } from 'zod';
import type { AgentNarrative, AgentRunFigures, GroundedClaim, ToolCallRecord } from '@sre/db';
import { describeFirstIssue } from '../errors';

// The agent's part of an analysis (ai_analyses.narrative, .transcript, .agent) and the steps of
// a running task (task_events), as packages/db/src/analysis.ts shapes them. The assistant is
// another service and the texts come from a language model: everything is checked here, and a
// shape this control plane does not know degrades the page visibly instead of breaking it.

/** The agent's part of an analysis: its grounded answer (null when it gave none), every tool call, and how the run went. */
export type AgentReport =
  | { readable: true; narrative: AgentNarrative | null; transcript: ToolCallRecord[]; figures: AgentRunFigures | null }
  | { readable: false; problem: string };

/** One step of a running task, oldest first in a log. */
export type TaskEvent = { id: string; at: Date } & (
  | { type: 'thinking'; step: number }
  | { type: 'tool_call'; call: ToolCallRecord }
  | { type: 'answering' }
  | { type: 'unreadable'; problem: string }
);

/** The latest steps of a running task; `earlierOmitted` when older ones were left out to keep the view short. */
export interface TaskEventLog {
  events: TaskEvent[];
  earlierOmitted: boolean;
}

/** How a claim's citation stands against the transcript. */
export type Citation = { id: string; state: 'supports' | 'failed_call' | 'not_in_transcript' };

// Tool-call ids become URL fragments and element ids: only the assistant's own T1, T2, … pass.
const toolCallId = z.string().regex(/^T[1-9][0-9]{0,4}$/, 'a tool-call id such as T1');
const timestamp = z.iso.datetime({ offset: true });

const toolCallRecordSchema: z.ZodType<ToolCallRecord> = z.object({
  id: toolCallId,
  tool: z.string().max(200),
  arguments: z.unknown(),
  status: z.enum(['ok', 'error', 'refused']),
  summary: z.string(),
  truncated: z.boolean(),
  outputBytes: z.number().int().min(0),
  digest: z.string().regex(/^[0-9a-f]{1,128}$/, 'a hexadecimal digest'),
  startedAt: timestamp,
  durationMs: z.number().min(0),
});

const groundedClaimSchema: z.ZodType<GroundedClaim> = z.object({
  text: z.string(),
  evidence: z.array(z.string().max(100)),
  rejectedEvidence: z.array(z.string().max(100)),
  grounded: z.boolean(),
});

const narrativeSchema: z.ZodType<AgentNarrative> = z.object({
  summary: groundedClaimSchema,
  hypotheses: z.array(z.intersection(groundedClaimSchema, z.object({ entity: z.string().nullable(), confidence: z.number().min(0).max(1) }))),
  nextSteps: z.array(z.object({ action: z.string(), rationale: z.string() })),
});

const figuresSchema: z.ZodType<AgentRunFigures> = z.object({
  narrative: z.object({ status: z.enum(['answered', 'unavailable']), reason: z.string().nullable() }),
  model: z.string().nullable(),
  stoppedBy: z.enum(['answer', 'content_filter', 'step_limit', 'time_limit', 'token_budget', 'model_failure', 'not_run']),
  modelCalls: z.number().int().min(0),
  toolCalls: z.number().int().min(0),
  groundingRejections: z.number().int().min(0),
  tokens: z.object({ input: z.number().int().min(0), output: z.number().int().min(0), total: z.number().int().min(0) }),
  costUsd: z.number().min(0).nullable(),
  latencyMs: z.number().min(0),
});

const reportSchema = z.object({ narrative: narrativeSchema.nullable(), transcript: z.array(toolCallRecordSchema), agent: figuresSchema.nullable() });

/** Reads the agent's columns of an analysis; says where they break the expected shape. */
export function parseAgentReport(columns: { narrative: unknown; transcript: unknown; agent: unknown }): AgentReport {
  const parsed = reportSchema.safeParse(columns);
  if (!parsed.success) return { readable: false, problem: describeFirstIssue(parsed.error) };
  return { readable: true, narrative: parsed.data.narrative, transcript: parsed.data.transcript, figures: parsed.data.agent };
}

const thinkingDetail = z.object({ step: z.number().int().min(0) });

/** Reads one task_events row; an event of a shape this control plane does not know becomes `unreadable`, not an error. */
export function parseTaskEvent(row: { id: string; at: Date; type: string; detail: unknown }): TaskEvent {
  const base = { id: row.id, at: row.at };
  if (row.type === 'answering') return { ...base, type: 'answering' };
  const parsed = row.type === 'thinking' ? thinkingDetail.safeParse(row.detail) : row.type === 'tool_call' ? toolCallRecordSchema.safeParse(row.detail) : undefined;
  if (!parsed) return { ...base, type: 'unreadable', problem: `unknown event type ${JSON.stringify(row.type)}` };
  if (!parsed.success) return { ...base, type: 'unreadable', problem: `${row.type}: ${describeFirstIssue(parsed.error)}` };
  return 'step' in parsed.data ? { ...base, type: 'thinking', step: parsed.data.step } : { ...base, type: 'tool_call', call: parsed.data };
}

/**
 * Every id a claim cites, judged against the transcript here as well as by the assistant: the
 * transcript is what a person can check, so it decides how each citation is shown.
 */
export function citationsOf(claim: GroundedClaim, transcript: readonly ToolCallRecord[]): Citation[] {
  const calls = new Map(transcript.map((call) => [call.id, call]));
  return [...new Set([...claim.evidence, ...claim.rejectedEvidence])].map((id) => {
    const call = calls.get(id);
    if (!call) return { id, state: 'not_in_transcript' };
    return { id, state: call.status === 'ok' ? 'supports' : 'failed_call' };
  });
}

/** A claim is shown as a finding only when the assistant grounded it and at least one cited call in the transcript succeeded. */
export const isSupported = (claim: GroundedClaim, citations: readonly Citation[]): boolean =>
  claim.grounded && citations.some((citation) => citation.state === 'supports');

const cents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const belowADollar = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumSignificantDigits: 2, maximumSignificantDigits: 3 });

/** A run's cost: cents from a dollar up, three significant digits below (most runs cost fractions of a cent); null means no price was configured. */
export const formatCost = (costUsd: number | null): string => {
  if (costUsd === null) return 'price unknown';
  return costUsd > 0 && costUsd < 1 ? belowADollar.format(costUsd) : cents.format(costUsd);
};

/** Confidence 0–1 as a whole percentage. */
export const formatConfidence = (confidence: number): string => `${Math.round(confidence * 100)}%`;

/** A tool call's duration: milliseconds below a second, then seconds with one decimal. */
export const formatMilliseconds = (milliseconds: number): string =>
  milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : `${(milliseconds / 1000).toFixed(1)} s`;

/** The first 12 hex digits: enough to tell outputs apart at a glance; the full digest stays available. */
export const shortDigest = (digest: string): string => digest.slice(0, 12);

const stopReasons: Record<AgentRunFigures['stoppedBy'], string> = {
  answer: 'the model answered',
  content_filter: "the model's content filter withheld its turn",
  step_limit: 'the step limit was reached',
  time_limit: 'the time limit was reached',
  token_budget: 'the token budget was spent',
  model_failure: 'the model failed',
  not_run: 'the model was not asked',
};

/** Why the agent's loop ended, for people. */
export const describeStop = (stoppedBy: AgentRunFigures['stoppedBy']): string => stopReasons[stoppedBy];
