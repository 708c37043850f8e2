import type { AgentNarrative, AgentRunFigures, AiAnalysisRow, AnalysisStatus, Database, Kysely, Labels, NewAuditLogEntry, TaskEventType, TaskStatus, ToolCallRecord } from '@sre/db';

// Every function takes the database or a transaction (a Transaction is a Kysely).
type Executor = Kysely<Database>;

export interface TaskToWork {
  id: string;
  kind: 'alert' | 'execute';
  status: TaskStatus;
  /** The request as accepted (POST /diagnostics/alert or /execute body), parsed by the worker. */
  request: unknown;
  alert: { id: string; labels: Labels; startsAt: Date } | null;
}

export async function findTaskToWork(db: Executor, taskId: string): Promise<TaskToWork | undefined> {
  const row = await db
    .selectFrom('diagnosis_tasks as task')
    .leftJoin('alerts as alert', 'alert.id', 'task.alert_id')
    .select(['task.id', 'task.kind', 'task.status', 'task.request', 'alert.id as alertId', 'alert.labels', 'alert.starts_at'])
    .where('task.id', '=', taskId)
    .executeTakeFirst();
  if (!row) return undefined;
  const alert = row.alertId && row.labels && row.starts_at ? { id: row.alertId, labels: row.labels, startsAt: row.starts_at } : null;
  return { id: row.id, kind: row.kind, status: row.status, request: row.request, alert };
}

/** Moves a queued (or retried) task to running and counts the attempt; undefined when it already ended. */
export async function markTaskRunning(db: Executor, taskId: string): Promise<{ attempts: number } | undefined> {
  return db
    .updateTable('diagnosis_tasks')
    .set((eb) => ({ status: 'running', started_at: eb.fn.coalesce('started_at', eb.fn<Date>('now', [])), attempts: eb('attempts', '+', 1) }))
    .where('id', '=', taskId)
    .where('status', 'in', ['queued', 'running'])
    .returning('attempts')
    .executeTakeFirst();
}

/** The task's one analysis, (re)started: a retry replaces what a dead attempt left behind, its progress events included. */
export async function startAnalysis(db: Executor, analysis: AnalysisIdentity): Promise<void> {
  await db.deleteFrom('task_events').where('task_id', '=', analysis.taskId).execute();
  const fresh = {
    status: 'running' as const,
    summary: null,
    hypotheses: '[]',
    evidence: '[]',
    verdict: null,
    narrative: null,
    transcript: '[]',
    agent: null,
    model: null,
    tokens_in: null,
    tokens_out: null,
    cost_usd: null,
    error: null,
    completed_at: null,
    engine: analysis.engine,
  };
  await db
    .insertInto('ai_analyses')
    .values({ task_id: analysis.taskId, alert_id: analysis.alertId, kind: analysis.kind, ...fresh })
    .onConflict((conflict) => conflict.column('task_id').doUpdateSet((eb) => ({ ...fresh, started_at: eb.fn<Date>('now', []) })))
    .execute();
}

export interface TaskOutcome {
  taskStatus: Extract<TaskStatus, 'succeeded' | 'partial' | 'failed'>;
  analysisStatus: Exclude<AnalysisStatus, 'running'>;
  summary: string | null;
  hypotheses: AiAnalysisRow['hypotheses'];
  evidence: AiAnalysisRow['evidence'];
  verdict: AiAnalysisRow['verdict'];
  /** The agent's part: `narrative` null when it did not answer (the figures say why), `agent` null when the task failed before it. */
  narrative: AgentNarrative | null;
  transcript: ToolCallRecord[];
  agent: AgentRunFigures | null;
  error: string | null;
}

/** Which analysis a task writes: one per task, for the task's alert, by this engine. */
export interface AnalysisIdentity {
  taskId: string;
  alertId: string | null;
  kind: string;
  engine: string;
}

/**
 * Ends a task that is still open and writes its analysis (creating the row when the task never
 * started). Returns false when the task had already ended — a worker presumed dead that
 * finishes late must not overwrite the result.
 */
export async function finishTask(db: Executor, analysis: AnalysisIdentity, outcome: TaskOutcome): Promise<boolean> {
  const ended = await db
    .updateTable('diagnosis_tasks')
    .set((eb) => ({ status: outcome.taskStatus, completed_at: eb.fn<Date>('now', []), error: outcome.error }))
    .where('id', '=', analysis.taskId)
    .where('status', 'in', ['queued', 'running'])
    .returning('id')
    .executeTakeFirst();
  if (!ended) return false;
  const result = {
    status: outcome.analysisStatus,
    summary: outcome.summary,
    hypotheses: JSON.stringify(outcome.hypotheses),
    evidence: JSON.stringify(outcome.evidence),
    verdict: outcome.verdict,
    narrative: outcome.narrative ? JSON.stringify(outcome.narrative) : null,
    transcript: JSON.stringify(outcome.transcript),
    agent: outcome.agent ? JSON.stringify(outcome.agent) : null,
    // Null, not zero, when no model was asked: nothing was measured.
    model: outcome.agent?.model ?? null,
    tokens_in: outcome.agent?.model ? outcome.agent.tokens.input : null,
    tokens_out: outcome.agent?.model ? outcome.agent.tokens.output : null,
    cost_usd: outcome.agent?.model ? outcome.agent.costUsd : null,
    error: outcome.error,
    engine: analysis.engine,
  };
  await db
    .insertInto('ai_analyses')
    .values((eb) => ({ task_id: analysis.taskId, alert_id: analysis.alertId, kind: analysis.kind, ...result, completed_at: eb.fn<Date>('now', []) }))
    .onConflict((conflict) => conflict.column('task_id').doUpdateSet((eb) => ({ ...result, completed_at: eb.fn<Date>('now', []) })))
    .execute();
  return true;
}

export async function insertAuditEntry(db: Executor, entry: NewAuditLogEntry): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}

/** Records one step of a running task, for the control plane's live view. */
export async function insertTaskEvent(db: Executor, taskId: string, event: { type: TaskEventType; detail: object }): Promise<void> {
  await db.insertInto('task_events').values({ task_id: taskId, type: event.type, detail: JSON.stringify(event.detail) }).execute();
}
