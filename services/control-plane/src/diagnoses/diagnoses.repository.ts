import { sql, type AiAnalysisRow, type Database, type DiagnosisTaskRow, type Kysely } from '@sre/db';

// The assistant writes diagnosis_tasks and ai_analyses; the control plane only reads them.

export type TaskRow = Pick<DiagnosisTaskRow, 'id' | 'status' | 'requested_by' | 'created_at' | 'started_at' | 'completed_at' | 'error'>;

/** The analysis columns the panel shows; the JSON columns are typed unknown because another service wrote them. */
export type AnalysisRow = Pick<AiAnalysisRow, 'status' | 'summary' | 'engine' | 'error' | 'completed_at'> & {
  hypotheses: unknown;
  evidence: unknown;
  narrative: unknown;
  transcript: unknown;
  agent: unknown;
};

/** One step of a running task; `type` and `detail` are unchecked because another service wrote them. */
export interface TaskEventRow {
  id: string;
  at: Date;
  type: string;
  detail: unknown;
}

const taskColumns = ['id', 'status', 'requested_by', 'created_at', 'started_at', 'completed_at', 'error'] as const;

export async function alertExists(db: Kysely<Database>, alertId: string): Promise<boolean> {
  const row = await db.selectFrom('alerts').select('id').where('id', '=', alertId).executeTakeFirst();
  return row !== undefined;
}

/** The alert's diagnosis tasks, newest first (diagnosis_tasks_alert_idx). */
export async function listDiagnosisTasks(db: Kysely<Database>, alertId: string, limit: number): Promise<TaskRow[]> {
  return db
    .selectFrom('diagnosis_tasks')
    .select(taskColumns)
    .where('alert_id', '=', alertId)
    .where('kind', '=', 'alert')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The alert's newest diagnosis that is still queued or running, if any. */
export async function findActiveDiagnosisTask(db: Kysely<Database>, alertId: string): Promise<TaskRow | undefined> {
  return db
    .selectFrom('diagnosis_tasks')
    .select(taskColumns)
    .where('alert_id', '=', alertId)
    .where('kind', '=', 'alert')
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function findAnalysisByTask(db: Kysely<Database>, taskId: string): Promise<AnalysisRow | undefined> {
  return db
    .selectFrom('ai_analyses')
    .select([
      'status',
      'summary',
      'engine',
      'error',
      'completed_at',
      sql<unknown>`hypotheses`.as('hypotheses'),
      sql<unknown>`evidence`.as('evidence'),
      sql<unknown>`narrative`.as('narrative'),
      sql<unknown>`transcript`.as('transcript'),
      sql<unknown>`agent`.as('agent'),
    ])
    .where('task_id', '=', taskId)
    .executeTakeFirst();
}

/** The task's newest `limit` steps, returned oldest first (task_events_task_id_id). */
export async function listLatestTaskEvents(db: Kysely<Database>, taskId: string, limit: number): Promise<TaskEventRow[]> {
  const newestFirst = await db
    .selectFrom('task_events')
    .select(['id', 'at', sql<string>`type`.as('type'), sql<unknown>`detail`.as('detail')])
    .where('task_id', '=', taskId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return newestFirst.reverse();
}

/**
 * Serializes diagnosis requests for one alert until the transaction ends, so two clicks (or a
 * click and the automatic policy) cannot both find no running task and both ask. An advisory
 * lock, not a row lock: it blocks neither alert intake nor the assistant's FOR KEY SHARE.
 */
export async function lockDiagnosisRequests(trx: Kysely<Database>, alertId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`diagnosis:${alertId}`}, 0))`.execute(trx);
}
