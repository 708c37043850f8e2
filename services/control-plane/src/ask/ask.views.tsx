import type { Device } from '../devices/device';
import { isActive } from '../diagnoses/diagnosis';
import { TaskOutcome, TaskProgress, TaskStatusBadge } from '../diagnoses/diagnoses.views';
import type { UpstreamFailure } from '../integrations/assistant.client';
import { Layout, Notice } from '../web/layout.views';
import type { PageContext } from '../web/page-context';
import { Time } from '../web/time.views';
import type { AskFormValues } from './ask.input';
import { maxQuestionLength, questionHeadline, type NamedReference, type Question, type QuestionAnswer, type QuestionContext, type QuestionOverview } from './question';

export const askUrl = '/ask';
export const questionUrl = (taskId: string) => `/ask/${taskId}`;
export const answerPanelId = 'answer-panel';

/** The Ask form as shown: what was typed, what is wrong with it, and why the assistant could not be asked. */
export interface AskFormState {
  values: AskFormValues;
  errors: Record<string, string>;
  refusal?: UpstreamFailure;
}

export const emptyAskForm = (prefill: { alertId?: string; deviceId?: string } = {}): AskFormState => ({
  values: { question: '', alertId: prefill.alertId ?? '', deviceId: prefill.deviceId ?? '', from: '', to: '' },
  errors: {},
});

export interface AskPageProps {
  context: PageContext;
  form: AskFormState;
  devices: Device[];
  recent: Question[];
}

/** The form to ask the assistant a question, and the asker's recent questions. */
export function AskPage({ context, form, devices, recent }: AskPageProps) {
  return (
    <Layout title="Ask" context={context}>
      <div class="space-y-6">
        <AskForm form={form} devices={devices} csrfToken={context.csrfToken} />
        <RecentQuestions recent={recent} />
      </div>
    </Layout>
  );
}

function AskForm({ form, devices, csrfToken }: { form: AskFormState; devices: Device[]; csrfToken: string | undefined }) {
  const { values, errors, refusal } = form;
  const field = (name: keyof AskFormValues) => ({
    id: `ask-${name}`,
    name,
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `ask-${name}-error` : undefined,
    class: `mt-1 w-full rounded border px-2 py-1 ${errors[name] ? 'border-red-500' : 'border-slate-300'}`,
  });
  return (
    <form method="post" action={askUrl} class="space-y-3 rounded border border-slate-200 bg-white p-4 shadow-sm" data-testid="ask-form">
      <h1 class="text-xl font-semibold">Ask the assistant</h1>
      <p class="text-sm text-slate-600">
        The assistant investigates with read-only tools (metrics, the device inventory) and answers with the tool calls each claim rests on. Every
        question runs a language model, which costs money.
      </p>
      {refusal ? (
        <div data-testid="ask-refused">
          <Notice tone="error" title="The question could not be asked">
            <p>{`${refusal.message.charAt(0).toUpperCase()}${refusal.message.slice(1)}.`}</p>
            <p class="mt-1">
              {refusal.retryable
                ? 'Nothing was queued. Your question is kept below; try again in a moment.'
                : 'Nothing was queued, and asking again will not help until this is fixed. Your question is kept below.'}
            </p>
          </Notice>
        </div>
      ) : null}
      {Object.keys(errors).length > 0 ? (
        <div data-testid="ask-invalid">
          <Notice tone="error" title="Check the form">
            <p>{errors.body ?? 'Nothing was asked yet: see the message under each field.'}</p>
          </Notice>
        </div>
      ) : null}
      <input type="hidden" name="_csrf" value={csrfToken} />
      <label class="block text-sm" for="ask-question">
        Question
        <textarea {...field('question')} rows={5} maxLength={maxQuestionLength} required placeholder="Why is checkout slow since 14:00?">
          {values.question}
        </textarea>
        <FieldError name="question" errors={errors} />
      </label>
      <div class="grid gap-3 sm:grid-cols-2">
        <label class="block text-sm" for="ask-alertId">
          Alert id <span class="text-slate-500">(optional)</span>
          <input {...field('alertId')} value={values.alertId} placeholder="0b6f1a52-5c4e-4b7a-9d43-3c1c2f0e8a11" autocomplete="off" />
          <FieldError name="alertId" errors={errors} />
        </label>
        <label class="block text-sm" for="ask-deviceId">
          Device <span class="text-slate-500">(optional)</span>
          <select {...field('deviceId')}>
            <option value="">None</option>
            {devices.map((device) => (
              <option value={device.id} selected={values.deviceId === device.id}>{`${device.name} (${device.kind})`}</option>
            ))}
          </select>
          <FieldError name="deviceId" errors={errors} />
        </label>
      </div>
      <fieldset class="grid gap-3 sm:grid-cols-2">
        <legend class="text-sm">
          Time range <span class="text-slate-500">(optional, UTC)</span>
        </legend>
        <label class="block text-sm" for="ask-from">
          From
          <input {...field('from')} type="datetime-local" value={values.from} />
          <FieldError name="from" errors={errors} />
        </label>
        <label class="block text-sm" for="ask-to">
          To
          <input {...field('to')} type="datetime-local" value={values.to} />
          <FieldError name="to" errors={errors} />
        </label>
      </fieldset>
      <button type="submit" class="rounded bg-sky-600 px-3 py-1 text-sm font-medium text-white hover:bg-sky-500" data-testid="ask-button">
        Ask
      </button>
    </form>
  );
}

function FieldError({ name, errors }: { name: string; errors: Record<string, string> }) {
  return errors[name] ? (
    <span id={`ask-${name}-error`} class="mt-1 block text-xs text-red-700" data-testid="field-error">
      {errors[name]}
    </span>
  ) : null;
}

function RecentQuestions({ recent }: { recent: Question[] }) {
  return (
    <section class="rounded border border-slate-200 bg-white p-4 shadow-sm">
      <h2 class="font-medium">Your recent questions</h2>
      {recent.length === 0 ? (
        <p class="mt-2 text-sm text-slate-600">You have not asked anything yet.</p>
      ) : (
        <ul class="mt-2 space-y-1 text-sm" data-testid="recent-questions">
          {recent.map(({ task, asked }) => (
            <li class="flex flex-wrap items-baseline gap-x-2" data-testid="recent-question">
              <TaskStatusBadge status={task.status} />
              <a class="text-sky-700 hover:underline" href={questionUrl(task.id)}>
                {asked.readable ? questionHeadline(asked.text) : 'A question that could not be read'}
              </a>
              <span class="text-xs text-slate-500"><Time value={task.createdAt} /></span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One question: what was asked, about what, and its answer panel. */
export function QuestionPage({ context, overview }: { context: PageContext; overview: QuestionOverview }) {
  const { question } = overview;
  return (
    <Layout title="Question" context={context}>
      <div class="space-y-4">
        <p class="text-sm">
          <a class="text-sky-700 hover:underline" href={askUrl}>← Ask another question</a>
        </p>
        <section class="space-y-2 rounded border border-slate-200 bg-white p-4 shadow-sm" data-testid="question">
          <h1 class="text-xl font-semibold">Question</h1>
          {question.asked.readable ? (
            <>
              <p class="whitespace-pre-line" data-testid="question-text">{question.asked.text}</p>
              <Context context={question.asked.context} alert={overview.alert} device={overview.device} />
            </>
          ) : (
            <Notice tone="error" title="The stored question could not be read">
              <p>The assistant stored it in a shape this control plane does not understand ({question.asked.problem}).</p>
            </Notice>
          )}
          <p class="text-xs text-slate-500">
            Asked by {question.task.requestedBy} at <Time value={question.task.createdAt} />.
          </p>
        </section>
        <AnswerPanel answer={overview} />
      </div>
    </Layout>
  );
}

function Context({ context, alert, device }: { context: QuestionContext; alert: NamedReference | undefined; device: NamedReference | undefined }) {
  if (!alert && !device && !context.timeRange) return null;
  return (
    <dl class="grid grid-cols-[8rem_1fr] gap-y-1 text-sm" data-testid="question-context">
      {alert ? (
        <>
          <dt class="text-slate-500">Alert</dt>
          <dd><Reference reference={alert} href={`/alerts/${alert.id}`} missing="no longer stored" /></dd>
        </>
      ) : null}
      {device ? (
        <>
          <dt class="text-slate-500">Device</dt>
          <dd><Reference reference={device} href={`/devices/${device.id}`} missing="no longer in the inventory" /></dd>
        </>
      ) : null}
      {context.timeRange ? (
        <>
          <dt class="text-slate-500">Time range</dt>
          <dd>
            <Time value={new Date(context.timeRange.from)} /> → <Time value={new Date(context.timeRange.to)} />
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function Reference({ reference, href, missing }: { reference: NamedReference; href: string; missing: string }) {
  if (reference.name === undefined) return <span class="text-slate-500">{`${reference.id} (${missing})`}</span>;
  return <a class="text-sky-700 hover:underline" href={href}>{reference.name}</a>;
}

/**
 * The answer: while the task is queued or running, its progress and the agent's steps (the
 * panel polls itself every second); then the result, with the same views as an alert's diagnosis.
 */
export function AnswerPanel({ answer }: { answer: QuestionAnswer }) {
  const { task } = answer.question;
  const polling = isActive(task.status);
  const aboutAnAlert = answer.question.asked.readable && answer.question.asked.context.alertId !== undefined;
  return (
    <section
      id={answerPanelId}
      class="space-y-3 rounded border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="answer-panel"
      data-status={task.status}
      {...(polling ? { 'hx-get': questionUrl(task.id), 'hx-trigger': 'load delay:1s', 'hx-target': `#${answerPanelId}`, 'hx-swap': 'outerHTML' } : {})}
    >
      <div class="flex items-center gap-3">
        <h2 class="font-medium">Answer</h2>
        <TaskStatusBadge status={task.status} />
      </div>
      {polling ? (
        <TaskProgress task={task} events={answer.events} asOf={answer.asOf} />
      ) : (
        <TaskOutcome task={task} analysis={answer.analysis} subject="investigation" deterministic={aboutAnAlert} />
      )}
    </section>
  );
}
