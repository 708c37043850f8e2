import type { Database, Kysely } from '@sre/db';
import { alertName } from '../alerts/alert';
import type { AlertService } from '../alerts/alerts.service';
import type { Actor } from '../audit/audit';
import { recordAuditEvent } from '../audit/audit.service';
import type { Device } from '../devices/device';
import type { DeviceService } from '../devices/devices.service';
import type { TaskEventLog } from '../diagnoses/agent-report';
import { diagnosisTaskOf, isActive } from '../diagnoses/diagnosis';
import type { DiagnosisService } from '../diagnoses/diagnoses.service';
import { AppError, notFound } from '../errors';
import type { AssistantClient, UpstreamFailure } from '../integrations/assistant.client';
import { parseStoredQuestion, type NamedReference, type Question, type QuestionAnswer, type QuestionInput, type QuestionOverview } from './question';
import * as repository from './ask.repository';

/** Who asks: the audit actor, and the person named to the assistant (and matched to list their questions). */
export interface Asker {
  actor: Actor;
  requestedBy: string;
}

export type AskOutcome =
  | { kind: 'asked'; taskId: string }
  /** The alert or device the question names does not exist (field → why); nothing was asked. */
  | { kind: 'invalid'; fields: Record<string, string> }
  /** The assistant could not be asked or refused; nothing was queued. */
  | { kind: 'refused'; failure: UpstreamFailure };

export interface AskService {
  /** What the Ask page offers: the inventory to pick a device from, and this person's recent questions, newest first. */
  askPage(requestedBy: string): Promise<{ devices: Device[]; recent: Question[] }>;
  /** Asks the assistant (POST /execute) unless the alert or device named does not exist; audited once the assistant was asked. */
  ask(input: QuestionInput, asker: Asker, requestId: string): Promise<AskOutcome>;
  /** One question with its live progress or its answer; not_found for an unknown id or a task that is not a question. */
  answer(taskId: string): Promise<QuestionAnswer>;
  /** The answer and the alert and device the question names, for its page; not_found as for `answer`. */
  overview(taskId: string): Promise<QuestionOverview>;
}

export interface AskServiceDependencies {
  assistant: Pick<AssistantClient, 'execute'>;
  alerts: Pick<AlertService, 'find'>;
  devices: Pick<DeviceService, 'list' | 'find'>;
  diagnoses: Pick<DiagnosisService, 'findAnalysis' | 'latestEvents'>;
}

const recentLimit = 20;
const noEvents: TaskEventLog = { events: [], earlierOmitted: false };

/** Free-form questions to the assistant: asking them, and reading back their progress and answers. */
export function createAskService(db: Kysely<Database>, dependencies: AskServiceDependencies): AskService {
  const { assistant, alerts, devices, diagnoses } = dependencies;

  const alertReference = async (id: string): Promise<NamedReference> => {
    const alert = await unlessNotFound(() => alerts.find(id));
    return { id, name: alert && alertName(alert) };
  };
  const deviceReference = async (id: string): Promise<NamedReference> => ({ id, name: (await unlessNotFound(() => devices.find(id)))?.name });

  const findQuestion = async (taskId: string): Promise<Question> => {
    const row = await repository.findQuestionTask(db, taskId);
    if (!row) throw notFound('the question');
    return toQuestion(row);
  };

  const answerTo = async (question: Question, asOf: Date): Promise<QuestionAnswer> => {
    // Steps matter only while the task runs; once it ends, its transcript is the record.
    const running = isActive(question.task.status);
    const [events, analysis] = await Promise.all([running ? diagnoses.latestEvents(question.task.id) : noEvents, diagnoses.findAnalysis(question.task.id)]);
    return { question, events, analysis, asOf };
  };

  return {
    async askPage(requestedBy) {
      const [inventory, recent] = await Promise.all([devices.list(), repository.listQuestionTasksRequestedBy(db, requestedBy, recentLimit)]);
      return { devices: inventory, recent: recent.map(toQuestion) };
    },

    async ask(input, asker, requestId) {
      // Checked here so the form can say which field is wrong; the assistant checks the alert again.
      const { alertId, deviceId } = input.context;
      const [alert, device] = await Promise.all([alertId ? alertReference(alertId) : undefined, deviceId ? deviceReference(deviceId) : undefined]);
      const missing = {
        ...(alert?.name === undefined && alertId ? { alertId: 'no alert has this id' } : {}),
        ...(device?.name === undefined && deviceId ? { deviceId: 'this device is no longer in the inventory' } : {}),
      };
      if (Object.keys(missing).length > 0) return { kind: 'invalid', fields: missing };

      const asked = { question: input.question, context: input.context, requestedBy: asker.requestedBy };
      const result = await assistant.execute({ question: input.question, requestedBy: asker.requestedBy, ...(isEmpty(input.context) ? {} : { context: input.context }) });
      if (!result.ok) {
        const { kind, message, retryable } = result.failure;
        await recordAuditEvent(db, { actor: asker.actor, action: 'execute.request_failed', details: { kind, message, retryable, ...asked }, requestId });
        return { kind: 'refused', failure: result.failure };
      }
      await recordAuditEvent(db, {
        actor: asker.actor,
        action: 'execute.requested',
        target: { type: 'diagnosis_task', id: result.value.id },
        details: asked,
        requestId,
      });
      return { kind: 'asked', taskId: result.value.id };
    },

    async answer(taskId) {
      const asOf = new Date();
      return answerTo(await findQuestion(taskId), asOf);
    },

    async overview(taskId) {
      const asOf = new Date();
      const question = await findQuestion(taskId);
      const context = question.asked.readable ? question.asked.context : {};
      const [answer, alert, device] = await Promise.all([
        answerTo(question, asOf),
        context.alertId ? alertReference(context.alertId) : undefined,
        context.deviceId ? deviceReference(context.deviceId) : undefined,
      ]);
      return { ...answer, alert, device };
    },
  };
}

function toQuestion(row: repository.QuestionTaskRow): Question {
  return { task: diagnosisTaskOf(row), asked: parseStoredQuestion(row.request) };
}

/** The value, or undefined when what it reads does not exist (was deleted, or never did). */
async function unlessNotFound<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return undefined;
    throw error;
  }
}

const isEmpty = (context: object) => Object.keys(context).length === 0;
