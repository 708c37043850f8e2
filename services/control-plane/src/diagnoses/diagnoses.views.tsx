import type { AnalysisHypothesis, EvidenceRecord, TaskStatus, WindowStatistics } from '@sre/db';
import type { UpstreamFailure } from '../integrations/assistant.client';
import { Notice } from '../web/layout.views';
import { Time } from '../web/time.views';
import type { TaskEventLog } from './agent-report';
import { AgentReportView, TaskEventsView } from './agent-report.views';
import {
  formatDuration,
  formatStatistic,
  isActive,
  missingEvidence,
  type Analysis,
  type DiagnosisOverview,
  type DiagnosisTask,
} from './diagnosis';

export const diagnosisPanelId = 'diagnosis-panel';

export const diagnosisPanelUrl = (alertId: string) => `/alerts/${alertId}/diagnosis`;
export const diagnoseUrl = (alertId: string) => `/alerts/${alertId}/diagnose`;

export interface DiagnosisPanelProps {
  overview: DiagnosisOverview;
  canDiagnose: boolean;
  csrfToken: string | undefined;
  /** Why the Diagnose just pressed did not start anything (the assistant was down or refused). */
  refusal?: UpstreamFailure;
}

/**
 * The alert's diagnosis: the latest one in full, earlier ones in a line each, and the Diagnose
 * button for operators. While the latest is queued or running the panel polls itself. Every
 * text from the analysis is untrusted and goes through JSX escaping, never raw HTML.
 */
export function DiagnosisPanel({ overview, canDiagnose, csrfToken, refusal }: DiagnosisPanelProps) {
  const { latest, earlier, asOf, alertId } = overview;
  const polling = latest !== undefined && isActive(latest.task.status);
  return (
    <section
      id={diagnosisPanelId}
      class="space-y-3 rounded border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="diagnosis-panel"
      data-status={latest?.task.status ?? 'none'}
      {...(polling
        ? { 'hx-get': diagnosisPanelUrl(alertId), 'hx-trigger': 'load delay:1s', 'hx-target': `#${diagnosisPanelId}`, 'hx-swap': 'outerHTML' }
        : {})}
    >
      <div class="flex items-center gap-3">
        <h2 class="font-medium">Diagnosis</h2>
        {latest ? <TaskStatusBadge status={latest.task.status} /> : null}
        {canDiagnose && !polling ? (
          <form class="ml-auto" method="post" action={diagnoseUrl(alertId)} hx-post={diagnoseUrl(alertId)} hx-target={`#${diagnosisPanelId}`} hx-swap="outerHTML">
            <input type="hidden" name="_csrf" value={csrfToken} />
            <button type="submit" class="rounded bg-sky-600 px-3 py-1 text-sm font-medium text-white hover:bg-sky-500" data-testid="diagnose-button">
              {latest ? 'Diagnose again' : 'Diagnose'}
            </button>
          </form>
        ) : null}
      </div>
      {refusal ? (
        <div data-testid="diagnosis-refused">
          <Notice tone="error" title="The diagnosis could not be started">
            <p>{`${refusal.message.charAt(0).toUpperCase()}${refusal.message.slice(1)}.`}</p>
            <p class="mt-1">
              {refusal.retryable ? 'Nothing was queued; try again in a moment.' : 'Nothing was queued, and trying again will not help until the configuration is fixed.'}
            </p>
          </Notice>
        </div>
      ) : null}
      {latest ? (
        isActive(latest.task.status) ? (
          <TaskProgress task={latest.task} events={latest.events} asOf={asOf} />
        ) : (
          <TaskOutcome task={latest.task} analysis={latest.analysis} subject="diagnosis" deterministic />
        )
      ) : (
        <p class="text-sm text-slate-600">No diagnosis yet.{canDiagnose ? ' Diagnose asks the assistant to compare the metrics around this alert with their baseline.' : ''}</p>
      )}
      {earlier.length > 0 ? <EarlierDiagnoses tasks={earlier} /> : null}
    </section>
  );
}

/** A queued or running task: where it is, for how long, and the agent's steps so far. */
export function TaskProgress({ task, events, asOf }: { task: DiagnosisTask; events: TaskEventLog; asOf: Date }) {
  return (
    <div class="space-y-2 text-sm" data-testid="diagnosis-progress">
      <ol class="flex gap-2 text-xs" aria-label="Progress">
        <ProgressStep label="queued" state={task.status === 'queued' ? 'current' : 'done'} />
        <ProgressStep label="running" state={task.status === 'running' ? 'current' : 'pending'} />
        <ProgressStep label="done" state="pending" />
      </ol>
      <p class="text-slate-700" data-testid="diagnosis-elapsed">
        {task.status === 'queued' || !task.startedAt
          ? `Waiting for the assistant for ${formatDuration(task.createdAt, asOf)}.`
          : `Running for ${formatDuration(task.startedAt, asOf)} (queued ${formatDuration(task.createdAt, task.startedAt)}).`}
      </p>
      <p class="text-xs text-slate-500">Requested by {task.requestedBy} at <Time value={task.createdAt} />.</p>
      <TaskEventsView log={events} />
    </div>
  );
}

function ProgressStep({ label, state }: { label: string; state: 'done' | 'current' | 'pending' }) {
  const colours = { done: 'bg-emerald-100 text-emerald-800', current: 'bg-sky-600 text-white', pending: 'bg-slate-100 text-slate-500' }[state];
  return <li class={`rounded px-2 py-0.5 ${colours}`} aria-current={state === 'current' ? 'step' : undefined}>{label}</li>;
}

export interface TaskOutcomeProps {
  task: DiagnosisTask;
  analysis: Analysis | undefined;
  /** What the task was, for its failure message: "The diagnosis failed". */
  subject: string;
  /** Whether the run included the deterministic ranking (alert tasks, and questions about an alert). */
  deterministic: boolean;
}

/** A finished task: who asked, whether it failed, the deterministic result when there is one, then the agent's narrative. */
export function TaskOutcome({ task, analysis, subject, deterministic }: TaskOutcomeProps) {
  const finished = task.completedAt ?? analysis?.completedAt;
  // The task is the assistant's record of the run, the analysis its findings; either may say it failed.
  const failed = task.status === 'failed' || analysis?.status === 'failed';
  const partial = task.status === 'partial' || analysis?.status === 'partial';
  return (
    <div class="space-y-3 text-sm">
      <p class="text-xs text-slate-500">
        Requested by {task.requestedBy} at <Time value={task.createdAt} />
        {finished ? `, finished after ${formatDuration(task.startedAt ?? task.createdAt, finished)}` : ''}
        {analysis && deterministic ? ` · engine ${analysis.engine}` : ''}.
      </p>
      {failed ? (
        <div data-testid="diagnosis-error">
          <Notice tone="error" title={`The ${subject} failed`}>
            <p class="whitespace-pre-line">{task.error ?? analysis?.error ?? 'The assistant gave no reason.'}</p>
          </Notice>
        </div>
      ) : null}
      {analysis ? (
        <>
          {deterministic ? <AnalysisView analysis={analysis} partial={partial} failed={failed} /> : null}
          <AgentReportView report={analysis.agent} />
        </>
      ) : failed ? null : (
        <p class="text-slate-600">The assistant finished without writing an analysis.</p>
      )}
    </div>
  );
}

function AnalysisView({ analysis, partial, failed }: { analysis: Analysis; partial: boolean; failed: boolean }) {
  const { findings } = analysis;
  return (
    <>
      {analysis.summary ? <p class="whitespace-pre-line" data-testid="diagnosis-summary">{analysis.summary}</p> : null}
      {!findings.readable ? (
        <div data-testid="diagnosis-unreadable">
          <Notice tone="error" title="The analysis could not be read">
            <p>The assistant stored hypotheses or evidence in a shape this control plane does not understand ({findings.problem}).</p>
          </Notice>
        </div>
      ) : (
        <>
          {partial ? <MissingEvidence records={missingEvidence(findings.evidence)} /> : null}
          {findings.hypotheses.length > 0 ? (
            <ol class="space-y-3" data-testid="hypotheses">
              {findings.hypotheses.map((hypothesis) => <Hypothesis hypothesis={hypothesis} />)}
            </ol>
          ) : !failed ? (
            <p class="text-slate-600">No metric moved enough from its baseline to name a likely cause.</p>
          ) : null}
          {findings.evidence.length > 0 ? <EvidenceConsulted records={findings.evidence} /> : null}
        </>
      )}
    </>
  );
}

function MissingEvidence({ records }: { records: EvidenceRecord[] }) {
  return (
    <div class="rounded border border-amber-300 bg-amber-50 px-4 py-3 text-amber-900" role="status" data-testid="missing-evidence">
      <p class="font-medium">Partial diagnosis: some evidence could not be gathered</p>
      {records.length > 0 ? (
        <ul class="mt-1 list-disc pl-5">
          {records.map((record) => (
            <li>
              {record.description}
              {record.detail ? <>: <span class="font-medium">{record.detail}</span></> : null}
              {record.query ? <> (<code class="select-all break-all">{record.query}</code>)</> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="mt-1">The assistant did not say which.</p>
      )}
    </div>
  );
}

function Hypothesis({ hypothesis }: { hypothesis: AnalysisHypothesis }) {
  const { evidence } = hypothesis;
  return (
    <li class="rounded border border-slate-200 p-3" data-testid="hypothesis">
      <p class="flex flex-wrap items-baseline gap-x-2">
        <span class="font-semibold">#{hypothesis.rank}</span>
        {hypothesis.deviceId ? (
          <a class="font-medium text-sky-700 hover:underline" href={`/devices/${hypothesis.deviceId}`}>{hypothesis.entity}</a>
        ) : (
          <span class="font-medium">{hypothesis.entity}</span>
        )}
        <code class="rounded bg-slate-100 px-1 text-xs">{hypothesis.metric}</code>
        <span>{hypothesis.direction === 'up' ? '↑ up' : '↓ down'}</span>
        <span class="text-slate-600">score {formatStatistic(hypothesis.score)}</span>
      </p>
      <p class="mt-1">{hypothesis.statement}</p>
      <div class="mt-2 space-y-2 text-xs">
        <div>
          <p class="text-slate-500">Query (PromQL, run it again to check)</p>
          <pre class="overflow-x-auto rounded bg-slate-900 p-2 text-slate-100"><code class="select-all" data-testid="evidence-query">{evidence.query}</code></pre>
        </div>
        {Object.keys(evidence.series).length > 0 ? (
          <p class="flex flex-wrap gap-1">
            <span class="text-slate-500">Series</span>
            {Object.entries(evidence.series).map(([key, value]) => <code class="rounded bg-slate-100 px-1">{`${key}=${value}`}</code>)}
          </p>
        ) : null}
        <table class="w-full border-collapse text-left" data-testid="evidence-windows">
          <thead class="text-slate-500">
            <tr>
              <th class="pr-3 font-normal">Window</th>
              <th class="pr-3 font-normal">From → to</th>
              <th class="pr-3 text-right font-normal">mean</th>
              <th class="pr-3 text-right font-normal">min</th>
              <th class="pr-3 text-right font-normal">max</th>
              <th class="pr-3 text-right font-normal">stddev</th>
              <th class="text-right font-normal">samples</th>
            </tr>
          </thead>
          <tbody>
            <WindowRow label="baseline" window={evidence.baseline} />
            <WindowRow label="anomaly" window={evidence.anomaly} />
          </tbody>
        </table>
      </div>
    </li>
  );
}

function WindowRow({ label, window }: { label: string; window: WindowStatistics }) {
  return (
    <tr class="border-t border-slate-100" data-window={label}>
      <td class="pr-3">{label}</td>
      <td class="pr-3 whitespace-nowrap"><Time value={new Date(window.start)} /> → <Time value={new Date(window.end)} /></td>
      <td class="pr-3 text-right tabular-nums">{formatStatistic(window.mean)}</td>
      <td class="pr-3 text-right tabular-nums">{formatStatistic(window.min)}</td>
      <td class="pr-3 text-right tabular-nums">{formatStatistic(window.max)}</td>
      <td class="pr-3 text-right tabular-nums">{formatStatistic(window.stddev)}</td>
      <td class="text-right tabular-nums">{window.samples}</td>
    </tr>
  );
}

function EvidenceConsulted({ records }: { records: EvidenceRecord[] }) {
  return (
    <details class="text-xs" data-testid="evidence-consulted">
      <summary class="cursor-pointer text-slate-600">Evidence consulted ({records.length})</summary>
      <ul class="mt-1 space-y-1">
        {records.map((record) => (
          <li>
            <span class={record.status === 'ok' ? 'text-emerald-700' : record.status === 'missing' ? 'text-red-700' : 'text-slate-500'}>{record.status}</span>{' '}
            {record.source}: {record.description}
            {record.query ? <> <code class="select-all break-all rounded bg-slate-100 px-1">{record.query}</code></> : null}
            {record.detail ? <span class="text-slate-500"> — {record.detail}</span> : null}
          </li>
        ))}
      </ul>
    </details>
  );
}

function EarlierDiagnoses({ tasks }: { tasks: DiagnosisTask[] }) {
  return (
    <div class="text-xs">
      <h3 class="text-slate-500">Earlier diagnoses</h3>
      <ul class="mt-1 space-y-0.5" data-testid="earlier-diagnoses">
        {tasks.map((task) => (
          <li>
            <Time value={task.createdAt} /> <TaskStatusBadge status={task.status} /> by {task.requestedBy}
            {task.error ? <span class="text-slate-500"> — {task.error}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

const statusColours: Record<TaskStatus, string> = {
  queued: 'bg-slate-100 text-slate-700',
  running: 'bg-sky-100 text-sky-800',
  succeeded: 'bg-emerald-100 text-emerald-800',
  partial: 'bg-amber-100 text-amber-800',
  failed: 'bg-red-100 text-red-800',
};

/** A task's status as a coloured label. */
export function TaskStatusBadge({ status }: { status: TaskStatus }) {
  return <span class={`rounded px-1.5 py-0.5 text-xs font-medium uppercase ${statusColours[status]}`}>{status}</span>;
}
