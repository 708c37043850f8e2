import { sql, type Database, type DiagnosisTaskRow, type Kysely } from '@sre/db';

// The assistant writes execute tasks (kind 'execute'); the control plane only reads them.

/** An execute task's columns; `request` is typed unknown because another service wrote it. */
export type QuestionTaskRow = Pick<DiagnosisTaskRow, 'id' | 'status' | 'requested_by' | 'created_at' | 'started_at' | 'completed_at' | 'error'> & {
  request: unknown;
};

const columns = ['id', 'status', 'requested_by', 'created_at', 'started_at', 'completed_at', 'error', sql<unknown>`request`.as('request')] as const;

/** The execute tasks this person asked for, newest first. */
export async function listQuestionTasksRequestedBy(db: Kysely<Database>, requestedBy: string, limit: number): Promise<QuestionTaskRow[]> {
  return db
    .selectFrom('diagnosis_tasks')
    .select(columns)
    .where('kind', '=', 'execute')
    .where('requested_by', '=', requestedBy)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The execute task with this id; undefined when there is none or the task is of another kind. */
export async function findQuestionTask(db: Kysely<Database>, taskId: string): Promise<QuestionTaskRow | undefined> {
  return db.selectFrom('diagnosis_tasks').select(columns).where('id', '=', taskId).where('kind', '=', 'execute').executeTakeFirst();
}
