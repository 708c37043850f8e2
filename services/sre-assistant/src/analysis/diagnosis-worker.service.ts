import type { Database, Kysely } from '@sre/db';
import type { Logger } from '@sre/service-kit';
import type { AlertDiagnoser } from './alert-diagnoser';
import { findTaskToWork, finishTask, insertAuditEntry, markTaskRunning, startAnalysis, type AnalysisIdentity, type TaskOutcome, type TaskToWork } from './analyses.repository';

/** The name analyses carry in `ai_analyses.engine`; bumped when the method changes. */
export const deterministicEngine = 'deterministic-v2';

export interface DiagnosisWorker {
  /**
   * Works one queued task to its end: running, then succeeded or partial with its analysis.
   * Throws only for what a retry may cure (the database was unreachable, say).
   */
  run(taskId: string, signal: AbortSignal): Promise<void>;
  /** Ends a task the queue gave up on (retries exhausted, worker lost) as failed, saying why. */
  fail(taskId: string, reason: string): Promise<void>;
}

/** Runs diagnosis tasks taken from the queue; owns each task's lifecycle and its single analysis. */
export function createDiagnosisWorker(dependencies: { db: Kysely<Database>; diagnoser: AlertDiagnoser; log: Logger }): DiagnosisWorker {
  const { db, diagnoser, log } = dependencies;

  const analysisOf = (task: TaskToWork): AnalysisIdentity => ({ taskId: task.id, alertId: task.alert?.id ?? null, kind: `${task.kind}-diagnosis`, engine: deterministicEngine });

  const finish = (task: TaskToWork, outcome: TaskOutcome) =>
    db.transaction().execute(async (trx) => {
      const finished = await finishTask(trx, analysisOf(task), outcome);
      if (finished) {
        await insertAuditEntry(trx, {
          actor: 'sre-assistant',
          actor_type: 'system',
          action: outcome.taskStatus === 'failed' ? 'diagnosis.failed' : 'diagnosis.completed',
          target_type: 'diagnosis_task',
          target_id: task.id,
          details: { status: outcome.taskStatus, verdict: outcome.verdict, hypotheses: outcome.hypotheses.length, error: outcome.error },
          request_id: null,
        });
      }
      return finished;
    });

  return {
    async run(taskId, signal) {
      const task = await findTaskToWork(db, taskId);
      if (!task) return log.warn({ taskId }, 'a queued diagnosis task no longer exists; nothing to do');
      const started = await db.transaction().execute(async (trx) => {
        const running = await markTaskRunning(trx, taskId);
        if (running) await startAnalysis(trx, analysisOf(task));
        return running;
      });
      if (!started) return log.info({ taskId, status: task.status }, 'the task already ended; not running it again');
      log.info({ taskId, attempt: started.attempts }, 'diagnosis started');

      if (!task.alert) {
        await finish(task, failure('the alert this task diagnoses no longer exists'));
        return;
      }
      const diagnosis = await diagnoser.diagnose({ labels: task.alert.labels, startsAt: task.alert.startsAt }, signal);
      const taskStatus = diagnosis.status === 'completed' ? 'succeeded' : 'partial';
      const finished = await finish(task, { taskStatus, analysisStatus: diagnosis.status, summary: diagnosis.summary, hypotheses: diagnosis.hypotheses, evidence: diagnosis.evidence, verdict: diagnosis.verdict, error: null });
      log.info({ taskId, status: taskStatus, verdict: diagnosis.verdict, hypotheses: diagnosis.hypotheses.length, recorded: finished }, 'diagnosis finished');
    },

    async fail(taskId, reason) {
      const task = await findTaskToWork(db, taskId);
      if (!task) return;
      const finished = await finish(task, failure(reason));
      if (finished) log.warn({ taskId, reason }, 'diagnosis failed');
    },
  };
}

const failure = (error: string): TaskOutcome => ({ taskStatus: 'failed', analysisStatus: 'failed', summary: null, hypotheses: [], evidence: [], verdict: null, error });
