import type { components } from '@sre/contracts/assistant-api';
import type { Database, DiagnosisTaskRow, Kysely } from '@sre/db';
import { notFound } from '../errors';
import type { Task } from './task';
import type { TaskQueue } from './task-queue';
import { findTaskById, insertAuditEntry, insertTask, lockAlertIfExists, type NewTaskRow } from './tasks.repository';

type DiagnoseAlertRequest = components['schemas']['DiagnoseAlertRequest'];
type ExecuteRequest = components['schemas']['ExecuteRequest'];

/** Who asked: the calling OAuth client, and the request id that ties the audit entry to the logs. */
export interface TaskRequester {
  clientId: string;
  requestId: string;
}

export interface TasksService {
  /** Queues a diagnosis of a stored alert; not_found when the alert does not exist. */
  requestAlertDiagnosis(request: DiagnoseAlertRequest, requester: TaskRequester): Promise<Task>;
  /** Queues a free-form investigation; not_found when its context names an alert that does not exist. */
  requestInvestigation(request: ExecuteRequest, requester: TaskRequester): Promise<Task>;
  /** The task with this id; not_found when there is none. */
  getTask(id: string): Promise<Task>;
}

/**
 * Creates and reads diagnosis tasks. Every created task is audited and queued in the same
 * transaction: no task without its job, no job without its task.
 */
export function createTasksService(db: Kysely<Database>, queue: Pick<TaskQueue, 'enqueue'>): TasksService {
  const createTask = (task: NewTaskRow, action: string, details: Record<string, unknown>, requester: TaskRequester) =>
    db.transaction().execute(async (trx) => {
      if (task.alert_id !== null && !(await lockAlertIfExists(trx, task.alert_id))) {
        throw notFound(`no alert has the id ${task.alert_id}`);
      }
      const row = await insertTask(trx, task);
      await queue.enqueue(row.id, trx);
      await insertAuditEntry(trx, {
        actor: requester.clientId,
        actor_type: 'service',
        action,
        target_type: 'diagnosis_task',
        target_id: row.id,
        details,
        request_id: requester.requestId,
      });
      return toTask(row);
    });

  return {
    requestAlertDiagnosis: (request, requester) =>
      createTask(
        { kind: 'alert', alert_id: request.alertId, requested_by: request.requestedBy ?? requester.clientId, request },
        'diagnosis.requested',
        { alertId: request.alertId, requestedBy: request.requestedBy ?? null },
        requester,
      ),
    requestInvestigation: (request, requester) =>
      createTask(
        { kind: 'execute', alert_id: request.context?.alertId ?? null, requested_by: request.requestedBy ?? requester.clientId, request },
        'execute.requested',
        { question: request.question, context: request.context ?? null, requestedBy: request.requestedBy ?? null },
        requester,
      ),
    async getTask(id) {
      const row = await findTaskById(db, id);
      if (!row) throw notFound(`no task has the id ${id}`);
      return toTask(row);
    },
  };
}

function toTask(row: DiagnosisTaskRow): Task {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    alertId: row.alert_id,
    error: row.error,
  };
}
