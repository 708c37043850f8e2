import type { components } from '@sre/contracts/assistant-api';
import type { AgentRunFigures, Database, Kysely } from '@sre/db';
import type { Logger } from '@sre/service-kit';
import type { AgentEvent, AgentOutcome, AgentRequest } from '../agent/agent-loop';
import type { Investigator } from '../agent/investigator';
import type { AlertDiagnoser, Diagnosis } from '../analysis/alert-diagnoser';
import { rankingResult } from '../agent/tools/rank-root-causes';
import { executeRequest } from '../execute/execute.input';
import { findTaskToWork, finishTask, insertAuditEntry, insertTaskEvent, markTaskRunning, startAnalysis, type AnalysisIdentity, type TaskOutcome, type TaskToWork } from './analyses.repository';

/** The name analyses carry in `ai_analyses.engine`; bumped when the method changes. */
export const deterministicEngine = 'deterministic-v2';

export interface TaskWorker {
  /**
   * Works one queued task to its end: running, then succeeded, partial or failed with its analysis.
   * Throws only for what a retry may cure (the database was unreachable, say).
   */
  run(taskId: string, signal: AbortSignal, deadline: Date): Promise<void>;
  /** Ends a task the queue gave up on (retries exhausted, worker lost) as failed, saying why. */
  fail(taskId: string, reason: string): Promise<void>;
}

type ExecuteRequest = components['schemas']['ExecuteRequest'];

const noModel = 'no language model is configured (GEMINI_API_KEY)';
const alertQuestion = 'Why did this alert fire? Name the most likely root cause and the evidence for it.';
// Time kept after the agent for storing what it found, before the attempt's deadline.
const storeMarginMs = 1_000;

/**
 * Works both kinds of task. An alert task gets the deterministic diagnosis, and the agent's
 * narrative on top when a model is configured. A free-form question (POST /execute) goes to the
 * agent, with the deterministic diagnosis of its alert, if it names one, as context and as the
 * fallback when the model is absent or failing.
 */
/** `investigator` is absent when no model is configured. */
export function createTaskWorker(dependencies: { db: Kysely<Database>; diagnoser: AlertDiagnoser; investigator?: Investigator; log: Logger }): TaskWorker {
  const { db, diagnoser, investigator, log } = dependencies;

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
          details: {
            status: outcome.taskStatus,
            verdict: outcome.verdict,
            hypotheses: outcome.hypotheses.length,
            narrative: outcome.agent?.narrative.status ?? null,
            toolCalls: outcome.agent?.toolCalls ?? 0,
            error: outcome.error,
          },
          request_id: null,
        });
      }
      return finished;
    });

  // The agent's steps go to task_events as they happen, one after another. Progress is a view:
  // a write that fails is logged, and the task goes on (the transcript is the record).
  const ask = async (taskId: string, request: AgentRequest, signal: AbortSignal, deadline: Date): Promise<AgentOutcome> => {
    if (!investigator) return notAsked(noModel);
    let written = Promise.resolve();
    const onEvent = (event: AgentEvent) => {
      const detail = event.type === 'tool_call' ? event.record : event.type === 'thinking' ? { step: event.step } : {};
      written = written.then(() => insertTaskEvent(db, taskId, { type: event.type, detail })).catch((error: unknown) => log.warn({ err: error, taskId }, 'a progress event was not recorded'));
    };
    try {
      // The agent stops on its own before the attempt's deadline, so that what is already found is kept.
      return await investigator({ ...request, deadline: new Date(deadline.getTime() - storeMarginMs) }, signal, onEvent);
    } finally {
      await written;
    }
  };

  const diagnose = (alert: NonNullable<TaskToWork['alert']>, signal: AbortSignal) => diagnoser.diagnose({ labels: alert.labels, startsAt: alert.startsAt }, signal);

  async function workAlert(task: TaskToWork & { alert: NonNullable<TaskToWork['alert']> }, signal: AbortSignal, deadline: Date): Promise<TaskOutcome> {
    const diagnosis = await diagnose(task.alert, signal);
    const agent = await ask(task.id, { question: alertQuestion, ...alertInput(task.alert, diagnosis) }, signal, deadline);
    return withDiagnosis(diagnosis, agent);
  }

  async function workQuestion(task: TaskToWork, request: ExecuteRequest, signal: AbortSignal, deadline: Date): Promise<TaskOutcome> {
    const diagnosis = task.alert ? await diagnose(task.alert, signal) : undefined;
    const alert = task.alert && diagnosis ? alertInput(task.alert, diagnosis) : { context: [], given: [] };
    const agent = await ask(task.id, { question: request.question, context: [...alert.context, ...questionContext(request)], given: alert.given }, signal, deadline);
    if (diagnosis) return withDiagnosis(diagnosis, agent);
    if (!agent.narrative) return { ...failure(`the question could not be answered: ${agent.figures.narrative.reason ?? 'no answer'}`), transcript: agent.transcript, agent: agent.figures };
    return {
      taskStatus: 'succeeded',
      analysisStatus: 'completed',
      summary: agent.narrative.summary.text,
      hypotheses: [],
      evidence: [],
      verdict: null,
      narrative: agent.narrative,
      transcript: agent.transcript,
      agent: agent.figures,
      error: null,
    };
  }

  return {
    async run(taskId, signal, deadline) {
      const task = await findTaskToWork(db, taskId);
      if (!task) return log.warn({ taskId }, 'a queued task no longer exists; nothing to do');
      const started = await db.transaction().execute(async (trx) => {
        const running = await markTaskRunning(trx, taskId);
        if (running) await startAnalysis(trx, analysisOf(task));
        return running;
      });
      if (!started) return log.info({ taskId, status: task.status }, 'the task already ended; not running it again');
      log.info({ taskId, kind: task.kind, attempt: started.attempts }, 'task started');

      let outcome: TaskOutcome;
      if (task.kind === 'alert') {
        outcome = task.alert ? await workAlert({ ...task, alert: task.alert }, signal, deadline) : failure('the alert this task diagnoses no longer exists');
      } else {
        const request = executeRequest.safeParse(task.request);
        outcome = request.success ? await workQuestion(task, request.data, signal, deadline) : failure('the stored question is not a valid POST /execute body');
      }
      const finished = await finish(task, outcome);
      log.info(
        { taskId, status: outcome.taskStatus, verdict: outcome.verdict, narrative: outcome.agent?.narrative.status ?? null, toolCalls: outcome.agent?.toolCalls ?? 0, recorded: finished },
        'task finished',
      );
    },

    async fail(taskId, reason) {
      const task = await findTaskToWork(db, taskId);
      if (!task) return;
      const finished = await finish(task, failure(reason));
      if (finished) log.warn({ taskId, reason }, 'task failed');
    },
  };
}

// The deterministic result stands; the agent adds its narrative, or says why there is none.
function withDiagnosis(diagnosis: Diagnosis, agent: AgentOutcome): TaskOutcome {
  const modelFailed = agent.figures.stoppedBy !== 'not_run' && !agent.narrative;
  return {
    taskStatus: diagnosis.status === 'completed' && !modelFailed ? 'succeeded' : 'partial',
    analysisStatus: diagnosis.status === 'completed' && !modelFailed ? 'completed' : 'partial',
    summary: modelFailed ? `${diagnosis.summary} The narrative is unavailable: ${agent.figures.narrative.reason}.` : diagnosis.summary,
    hypotheses: diagnosis.hypotheses,
    evidence: diagnosis.evidence,
    verdict: diagnosis.verdict,
    narrative: agent.narrative,
    transcript: agent.transcript,
    agent: agent.figures,
    error: null,
  };
}

// The alert as the agent gets it: its labels and start as context, the ranking already made as result T1.
function alertInput(alert: NonNullable<TaskToWork['alert']>, diagnosis: Diagnosis): Pick<AgentRequest, 'context' | 'given'> {
  const startsAt = alert.startsAt.toISOString();
  return {
    context: [`The alert's labels: ${JSON.stringify(alert.labels)}`, `It started at ${startsAt}`],
    given: [{ tool: 'rank_root_causes', arguments: { labels: alert.labels, startsAt }, result: rankingResult(diagnosis) }],
  };
}

function questionContext(request: ExecuteRequest): string[] {
  const { deviceId, timeRange } = request.context ?? {};
  return [
    ...(deviceId ? [`The question is about the device with id ${deviceId} (get_device)`] : []),
    ...(timeRange ? [`The time range in question: ${timeRange.from} to ${timeRange.to}`] : []),
  ];
}

function notAsked(reason: string): AgentOutcome {
  const figures: AgentRunFigures = {
    narrative: { status: 'unavailable', reason },
    model: null,
    stoppedBy: 'not_run',
    modelCalls: 0,
    toolCalls: 0,
    groundingRejections: 0,
    tokens: { input: 0, output: 0, total: 0 },
    costUsd: 0,
    latencyMs: 0,
  };
  return { narrative: null, transcript: [], givenRecords: 0, figures };
}

const failure = (error: string): TaskOutcome => ({
  taskStatus: 'failed',
  analysisStatus: 'failed',
  summary: null,
  hypotheses: [],
  evidence: [],
  verdict: null,
  narrative: null,
  transcript: [],
  agent: null,
  error,
});
