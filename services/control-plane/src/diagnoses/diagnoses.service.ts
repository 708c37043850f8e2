import type { Database, Kysely } from '@sre/db';
import type { Logger } from '@sre/service-kit';
import type { NewFiringOccurrence } from '../alerts/alert-intake.service';
import type { Actor } from '../audit/audit';
import { recordAuditEvent } from '../audit/audit.service';
import { errorMessage, notFound } from '../errors';
import type { AssistantClient, UpstreamFailure } from '../integrations/assistant.client';
import { parseAgentReport, parseTaskEvent, type TaskEventLog } from './agent-report';
import { diagnosisTaskOf, isActive, matchesAutoDiagnosePolicy, parseFindings, type Analysis, type DiagnosisOverview } from './diagnosis';
import * as repository from './diagnoses.repository';

/** Who asks for a diagnosis: the audit actor, and the person named to the assistant (none for automation). */
export interface DiagnosisRequester {
  actor: Actor;
  requestedBy: string | undefined;
}

export type DiagnosisRequestOutcome =
  | { kind: 'requested'; taskId: string }
  /** A diagnosis of the alert was already queued or running; it is the one to watch. */
  | { kind: 'already_active'; taskId: string }
  /** The assistant could not be asked or refused; nothing was queued. */
  | { kind: 'refused'; failure: UpstreamFailure };

export interface DiagnosisService {
  /** The alert's latest diagnosis with its analysis, and the earlier ones; not_found for an unknown alert. */
  overview(alertId: string): Promise<DiagnosisOverview>;
  /** The analysis of any task (alert or question), once the assistant has written it. */
  findAnalysis(taskId: string): Promise<Analysis | undefined>;
  /** The latest steps of a task, oldest first, for showing it live while it runs. */
  latestEvents(taskId: string): Promise<TaskEventLog>;
  /** Asks the assistant to diagnose the alert unless a diagnosis is already under way; audited either way it ends. */
  request(alertId: string, requester: DiagnosisRequester, requestId: string): Promise<DiagnosisRequestOutcome>;
  /** The automatic policy, for occurrences an intake just stored: returns at once, never throws, works in the background. */
  diagnoseNewFiring(occurrences: NewFiringOccurrence[], requestId: string): void;
}

export interface DiagnosisServiceOptions {
  /** Lower-cased `severity` label values that trigger an automatic diagnosis; empty turns it off. */
  autoDiagnoseSeverities: readonly string[];
  log: Logger;
}

const earlierLimit = 20;
/** The agent's loop is bounded by its step limit; this only keeps a runaway task's view short. */
const eventLimit = 100;
const noEvents: TaskEventLog = { events: [], earlierOmitted: false };
const automation: Actor = { id: 'auto-diagnosis', type: 'system' };
const auditActions = {
  user: { requested: 'diagnosis.requested', failed: 'diagnosis.request_failed' },
  automation: { requested: 'diagnosis.auto_requested', failed: 'diagnosis.auto_request_failed' },
} as const;

/** Diagnoses of alerts: asking the assistant (by hand or by policy) and reading back what it found. */
export function createDiagnosisService(
  db: Kysely<Database>,
  assistant: Pick<AssistantClient, 'requestAlertDiagnosis'>,
  options: DiagnosisServiceOptions,
): DiagnosisService {
  const request = (alertId: string, requester: DiagnosisRequester, requestId: string): Promise<DiagnosisRequestOutcome> => {
    const actions = requester.actor.type === 'user' ? auditActions.user : auditActions.automation;
    const target = { type: 'alert', id: alertId };
    // The transaction holds the per-alert lock across the call to the assistant, which commits
    // its task before answering: whoever waited on the lock then finds that task running.
    return db.transaction().execute(async (trx) => {
      await repository.lockDiagnosisRequests(trx, alertId);
      if (!(await repository.alertExists(trx, alertId))) throw notFound('the alert');
      const active = await repository.findActiveDiagnosisTask(trx, alertId);
      if (active) return { kind: 'already_active', taskId: active.id };

      const result = await assistant.requestAlertDiagnosis(alertId, requester.requestedBy);
      if (!result.ok) {
        const { kind, message, retryable } = result.failure;
        await recordAuditEvent(trx, { actor: requester.actor, action: actions.failed, target, details: { kind, message, retryable }, requestId });
        return { kind: 'refused', failure: result.failure };
      }
      await recordAuditEvent(trx, {
        actor: requester.actor,
        action: actions.requested,
        target,
        details: { taskId: result.value.id, requestedBy: requester.requestedBy ?? null },
        requestId,
      });
      return { kind: 'requested', taskId: result.value.id };
    });
  };

  // One occurrence after another: a storm of new alerts must not hold one database connection
  // per alert while the assistant answers.
  const requestInBackground = async (occurrences: NewFiringOccurrence[], requestId: string) => {
    for (const occurrence of occurrences) {
      try {
        const outcome = await request(occurrence.id, { actor: automation, requestedBy: undefined }, requestId);
        if (outcome.kind === 'refused') options.log.warn({ alertId: occurrence.id, failure: outcome.failure, requestId }, 'automatic diagnosis refused');
      } catch (error) {
        options.log.error({ err: error, alertId: occurrence.id, requestId }, 'automatic diagnosis failed');
        await recordAuditEvent(db, {
          actor: automation,
          action: auditActions.automation.failed,
          target: { type: 'alert', id: occurrence.id },
          details: { kind: 'internal', message: errorMessage(error) },
          requestId,
        }).catch((auditError: unknown) => options.log.error({ err: auditError, requestId }, 'could not audit a failed automatic diagnosis'));
      }
    }
  };

  const findAnalysis = async (taskId: string) => {
    const row = await repository.findAnalysisByTask(db, taskId);
    return row && toAnalysis(row);
  };

  const latestEvents = async (taskId: string): Promise<TaskEventLog> => {
    const rows = await repository.listLatestTaskEvents(db, taskId, eventLimit + 1);
    const earlierOmitted = rows.length > eventLimit;
    return { events: (earlierOmitted ? rows.slice(1) : rows).map(parseTaskEvent), earlierOmitted };
  };

  return {
    async overview(alertId) {
      const asOf = new Date();
      const [latest, ...earlier] = (await repository.listDiagnosisTasks(db, alertId, earlierLimit + 1)).map(diagnosisTaskOf);
      if (!latest) {
        // A task names an existing alert (alert_id is set null when the alert goes), so only an
        // alert without tasks needs looking up.
        if (!(await repository.alertExists(db, alertId))) throw notFound('the alert');
        return { alertId, latest: undefined, earlier: [], asOf };
      }
      // Steps matter only while the task runs; once it ends, its transcript is the record.
      const [analysis, events] = await Promise.all([findAnalysis(latest.id), isActive(latest.status) ? latestEvents(latest.id) : noEvents]);
      return { alertId, latest: { task: latest, analysis, events }, earlier, asOf };
    },
    findAnalysis,
    latestEvents,
    request,
    diagnoseNewFiring(occurrences, requestId) {
      const chosen = occurrences.filter((occurrence) => matchesAutoDiagnosePolicy(occurrence.severity, options.autoDiagnoseSeverities));
      if (chosen.length > 0) void requestInBackground(chosen, requestId);
    },
  };
}

function toAnalysis(row: repository.AnalysisRow): Analysis {
  return {
    status: row.status,
    summary: row.summary,
    engine: row.engine,
    error: row.error,
    completedAt: row.completed_at,
    findings: parseFindings(row.hypotheses, row.evidence),
    agent: parseAgentReport(row),
  };
}
