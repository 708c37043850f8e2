import type { AgentNarrative, AgentRunFigures, AnalysisStatus, Database, Kysely, TaskStatus, ToolCallRecord } from '@sre/db';

// What the assistant's worker writes while and after it works a task (packages/db/src/analysis.ts
// shapes), so tests can put a task into any state the control plane must show.

/** A tool-call record as the agent loop writes it; `overrides` change any field. */
export function toolCall(id: string, overrides: Partial<ToolCallRecord> = {}): ToolCallRecord {
  return {
    id,
    tool: 'query_metrics_range',
    arguments: { query: 'node_load1{instance="db-1:9100"}', start: '2026-11-22T00:00:00Z', end: '2026-11-22T01:00:00Z', step: '60s' },
    status: 'ok',
    summary: '1 series, 61 samples; node_load1 rose from 0.4 to 7.9 at 00:50',
    truncated: false,
    outputBytes: 2048,
    digest: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    startedAt: '2026-11-22T01:00:02.000Z',
    durationMs: 187,
    ...overrides,
  };
}

/** The figures of a run that answered; `overrides` change any field. */
export function runFigures(overrides: Partial<AgentRunFigures> = {}): AgentRunFigures {
  return {
    narrative: { status: 'answered', reason: null },
    model: 'gemini-2.5-flash',
    stoppedBy: 'answer',
    modelCalls: 3,
    toolCalls: 2,
    groundingRejections: 0,
    tokens: { input: 12_345, output: 678, total: 13_023 },
    costUsd: 0.0042,
    latencyMs: 8_400,
    ...overrides,
  };
}

/** A narrative whose summary cites T1; pass hypotheses and next steps as needed. */
export function narrative(parts: Partial<AgentNarrative> = {}): AgentNarrative {
  return {
    summary: { text: 'Load on db-1 rose sharply at 00:50.', evidence: ['T1'], rejectedEvidence: [], grounded: true },
    hypotheses: [],
    nextSteps: [],
    ...parts,
  };
}

/** Inserts a task as POST /diagnostics/alert or /execute would, in the given state. */
export async function insertTask(
  db: Kysely<Database>,
  task: { kind: 'alert' | 'execute'; alertId?: string | null; status: TaskStatus; requestedBy?: string; request?: Record<string, unknown> },
): Promise<string> {
  const started = task.status === 'queued' ? null : new Date(Date.now() - 5_000);
  const ended = task.status === 'queued' || task.status === 'running' ? null : new Date();
  const row = await db
    .insertInto('diagnosis_tasks')
    .values({
      kind: task.kind,
      alert_id: task.alertId ?? null,
      status: task.status,
      requested_by: task.requestedBy ?? 'operator@example.test',
      request: JSON.stringify(task.request ?? (task.alertId ? { alertId: task.alertId } : { question: 'Why?' })),
      started_at: started,
      completed_at: ended,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Writes a task's one analysis with the agent's part, as the worker's finishTask does. */
export async function insertAnalysis(
  db: Kysely<Database>,
  taskId: string,
  analysis: {
    alertId?: string | null;
    status?: AnalysisStatus;
    summary?: string | null;
    narrative?: AgentNarrative | null;
    transcript?: unknown;
    agent?: AgentRunFigures | null;
    /** Raw JSON for the agent columns, to store shapes the types would not allow. */
    raw?: { narrative?: unknown; agent?: unknown };
  },
): Promise<void> {
  const figures = analysis.agent ?? null;
  // SQL NULL, as the worker writes when there is nothing; a JSON null would read the same but is not what it stores.
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  await db
    .insertInto('ai_analyses')
    .values({
      task_id: taskId,
      alert_id: analysis.alertId ?? null,
      kind: analysis.alertId ? 'alert-diagnosis' : 'execute-diagnosis',
      status: analysis.status ?? 'completed',
      summary: analysis.summary ?? null,
      hypotheses: '[]',
      evidence: '[]',
      engine: 'deterministic-v2',
      narrative: json(analysis.raw?.narrative ?? analysis.narrative),
      transcript: JSON.stringify(analysis.transcript ?? []),
      agent: json(analysis.raw?.agent ?? figures),
      model: figures?.model ?? null,
      tokens_in: figures?.tokens.input ?? null,
      tokens_out: figures?.tokens.output ?? null,
      cost_usd: figures?.costUsd ?? null,
      completed_at: new Date(),
    })
    .execute();
}

/** One step of a running task, as the worker records it. */
export async function insertTaskEvent(
  db: Kysely<Database>,
  taskId: string,
  event: { type: 'thinking'; step: number } | { type: 'tool_call'; record: ToolCallRecord } | { type: 'answering' },
): Promise<void> {
  const detail = event.type === 'thinking' ? { step: event.step } : event.type === 'tool_call' ? event.record : {};
  await db.insertInto('task_events').values({ task_id: taskId, type: event.type, detail: JSON.stringify(detail) }).execute();
}

/** Ends a task as the worker does: its status and completion time. */
export async function finishTask(db: Kysely<Database>, taskId: string, status: Extract<TaskStatus, 'succeeded' | 'partial' | 'failed'>, error: string | null = null) {
  await db.updateTable('diagnosis_tasks').set({ status, completed_at: new Date(), error }).where('id', '=', taskId).execute();
}
