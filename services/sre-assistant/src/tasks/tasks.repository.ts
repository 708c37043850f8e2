import type { Database, DiagnosisTaskRow, Kysely, NewAuditLogEntry } from '@sre/db';

// Every function takes the database or a transaction (a Transaction is a Kysely).
type Executor = Kysely<Database>;

export type NewTaskRow = Pick<DiagnosisTaskRow, 'kind' | 'request' | 'alert_id' | 'requested_by'>;

export async function insertTask(db: Executor, task: NewTaskRow): Promise<DiagnosisTaskRow> {
  return db.insertInto('diagnosis_tasks').values(task).returningAll().executeTakeFirstOrThrow();
}

export async function findTaskById(db: Executor, id: string): Promise<DiagnosisTaskRow | undefined> {
  return db.selectFrom('diagnosis_tasks').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * True when the alert exists. Inside a transaction, FOR KEY SHARE keeps it from being deleted
 * until the task that references it commits, without blocking updates to it.
 */
export async function lockAlertIfExists(db: Executor, alertId: string): Promise<boolean> {
  const row = await db.selectFrom('alerts').select('id').where('id', '=', alertId).forKeyShare().executeTakeFirst();
  return row !== undefined;
}

export async function insertAuditEntry(db: Executor, entry: NewAuditLogEntry): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}
