import type { ComponentChildren } from 'preact';
import type { AgentNarrative, AgentRunFigures, GroundedClaim, ToolCallRecord } from '@sre/db';
import { Notice } from '../web/layout.views';
import {
  citationsOf,
  describeStop,
  formatConfidence,
  formatCost,
  formatMilliseconds,
  isSupported,
  shortDigest,
  type AgentReport,
  type Citation,
  type TaskEvent,
  type TaskEventLog,
} from './agent-report';

// Everything here is model output or tool output relayed by the assistant: untrusted text that
// goes through JSX escaping only, never raw HTML.

/** The element id of a tool call in the list: what a claim's evidence links point at. */
export const toolCallAnchor = (toolCallId: string) => `tool-call-${toolCallId}`;

const integer = new Intl.NumberFormat('en-US');

/**
 * The LLM agent's part of an analysis: its narrative (or why there is none), the figures of the
 * run, and the tool calls every claim must cite. Renders nothing when the agent was not part of
 * the run at all (older analyses, tasks that failed before it was asked).
 */
export function AgentReportView({ report }: { report: AgentReport }) {
  if (!report.readable) {
    return (
      <div data-testid="agent-unreadable">
        <Notice tone="error" title="The assistant's narrative could not be read">
          <p>The assistant stored the narrative, tool calls or run figures in a shape this control plane does not understand ({report.problem}).</p>
        </Notice>
      </div>
    );
  }
  const { narrative, transcript, figures } = report;
  if (!narrative && !figures && transcript.length === 0) return null;
  return (
    <section class="space-y-3 border-t border-slate-200 pt-3" data-testid="agent-report">
      <h3 class="font-medium">
        Narrative <span class="text-xs font-normal text-slate-500">written by the LLM agent; each claim cites the tool calls it rests on</span>
      </h3>
      {narrative ? (
        <Narrative narrative={narrative} transcript={transcript} />
      ) : (
        <p class="text-slate-700" data-testid="narrative-unavailable">
          Narrative unavailable: {figures?.narrative.reason ?? 'the assistant did not say why'}
        </p>
      )}
      {figures && figures.stoppedBy !== 'not_run' ? <RunFigures figures={figures} /> : null}
      {transcript.length > 0 ? <ToolCalls transcript={transcript} /> : null}
    </section>
  );
}

function Narrative({ narrative, transcript }: { narrative: AgentNarrative; transcript: ToolCallRecord[] }) {
  return (
    <div class="space-y-3" data-testid="narrative">
      <Claim claim={narrative.summary} transcript={transcript} testId="narrative-summary" />
      {narrative.hypotheses.length > 0 ? (
        <div>
          <h4 class="text-xs font-medium uppercase tracking-wide text-slate-500">Hypotheses</h4>
          <ol class="mt-1 space-y-2">
            {narrative.hypotheses.map((hypothesis) => (
              <Claim
                claim={hypothesis}
                transcript={transcript}
                testId="narrative-hypothesis"
                as="li"
                heading={
                  <>
                    {hypothesis.entity ? <span class="font-medium">{hypothesis.entity}</span> : null}
                    <span class="text-slate-600" data-testid="confidence">confidence {formatConfidence(hypothesis.confidence)}</span>
                  </>
                }
              />
            ))}
          </ol>
        </div>
      ) : null}
      {narrative.nextSteps.length > 0 ? (
        <div data-testid="next-steps">
          <h4 class="text-xs font-medium uppercase tracking-wide text-slate-500">Suggested next steps</h4>
          <p class="text-xs text-slate-600">Advice for you to weigh: nothing here runs automatically.</p>
          <ol class="mt-1 list-decimal space-y-1 pl-5">
            {narrative.nextSteps.map((step) => (
              <li data-testid="next-step">
                {step.action}
                {step.rationale ? <span class="text-slate-600"> — {step.rationale}</span> : null}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  );
}

interface ClaimProps {
  claim: GroundedClaim;
  transcript: ToolCallRecord[];
  testId: string;
  as?: 'div' | 'li';
  heading?: ComponentChildren;
}

/** A statement with its citations; one no successful tool call backs is marked unsupported, never shown as a finding. */
function Claim({ claim, transcript, testId, as: Element = 'div', heading }: ClaimProps) {
  const citations = citationsOf(claim, transcript);
  const supported = isSupported(claim, citations);
  return (
    <Element
      class={`rounded border p-3 ${supported ? 'border-slate-200' : 'border-dashed border-amber-400 bg-amber-50'}`}
      data-testid={testId}
      data-supported={supported ? 'true' : 'false'}
    >
      {heading || !supported ? (
        <p class="mb-1 flex flex-wrap items-baseline gap-x-2 text-sm">
          {heading}
          {supported ? null : (
            <span class="rounded bg-amber-200 px-1.5 py-0.5 text-xs font-medium uppercase text-amber-900" data-testid="unsupported">
              Unsupported
            </span>
          )}
        </p>
      ) : null}
      <p class={supported ? 'whitespace-pre-line' : 'whitespace-pre-line text-slate-600'} data-testid="claim-text">{claim.text}</p>
      {supported ? null : <p class="mt-1 text-xs text-amber-900">No successful tool call backs this claim: treat it as a guess, not a finding.</p>}
      <Citations citations={citations} />
    </Element>
  );
}

function Citations({ citations }: { citations: Citation[] }) {
  if (citations.length === 0) return <p class="mt-1 text-xs text-slate-500" data-testid="citations">No evidence cited.</p>;
  return (
    <p class="mt-1 flex flex-wrap gap-x-2 text-xs" data-testid="citations">
      <span class="text-slate-500">Evidence</span>
      {citations.map((citation) =>
        citation.state === 'supports' ? (
          <a class="font-medium text-sky-700 hover:underline" href={`#${toolCallAnchor(citation.id)}`} data-testid="evidence-link">{citation.id}</a>
        ) : citation.state === 'failed_call' ? (
          <span class="text-red-800" data-testid="rejected-evidence">
            <a class="line-through" href={`#${toolCallAnchor(citation.id)}`}>{citation.id}</a> (the call failed)
          </span>
        ) : (
          <span class="text-red-800" data-testid="rejected-evidence">
            <s>{citation.id}</s> (not in the transcript)
          </span>
        ),
      )}
    </p>
  );
}

function RunFigures({ figures }: { figures: AgentRunFigures }) {
  const plural = (count: number, noun: string) => `${integer.format(count)} ${noun}${count === 1 ? '' : 's'}`;
  const parts = [
    `model ${figures.model ?? 'unknown'}`,
    `${integer.format(figures.tokens.input)} tokens in / ${integer.format(figures.tokens.output)} out`,
    formatCost(figures.costUsd),
    plural(figures.modelCalls, 'model call'),
    plural(figures.toolCalls, 'tool call'),
    plural(figures.groundingRejections, 'grounding rejection'),
    `stopped because ${describeStop(figures.stoppedBy)}`,
    `${formatMilliseconds(figures.latencyMs)} in all`,
  ];
  return <p class="text-xs text-slate-500" data-testid="agent-figures">{parts.join(' · ')}</p>;
}

function ToolCalls({ transcript }: { transcript: ToolCallRecord[] }) {
  return (
    <div class="text-xs">
      <h4 class="font-medium uppercase tracking-wide text-slate-500">Tool calls ({transcript.length})</h4>
      <ol class="mt-1 space-y-2" data-testid="tool-calls">
        {transcript.map((call) => (
          <li id={toolCallAnchor(call.id)} class="rounded border border-slate-200 p-2 target:ring-2 target:ring-sky-500" data-testid="tool-call" data-status={call.status}>
            <p class="flex flex-wrap items-baseline gap-x-2">
              <span class="font-semibold">{call.id}</span>
              <code class="rounded bg-slate-100 px-1">{call.tool}</code>
              <span class={toolStatusColours[call.status]}>{call.status}</span>
              {call.truncated ? <span class="rounded bg-amber-100 px-1 text-amber-900" data-testid="truncated">truncated</span> : null}
              <span class="text-slate-500">{formatMilliseconds(call.durationMs)}</span>
              <span class="text-slate-500">{integer.format(call.outputBytes)} bytes</span>
              <span class="text-slate-500" title={`sha256 ${call.digest}`}>sha256 {shortDigest(call.digest)}</span>
            </p>
            <p class="mt-1 whitespace-pre-line text-sm" data-testid="tool-call-summary">{call.summary}</p>
            <pre class="mt-1 overflow-x-auto rounded bg-slate-900 p-2 text-slate-100"><code data-testid="tool-call-arguments">{JSON.stringify(call.arguments ?? null, null, 2)}</code></pre>
          </li>
        ))}
      </ol>
    </div>
  );
}

const toolStatusColours: Record<ToolCallRecord['status'], string> = {
  ok: 'text-emerald-700',
  error: 'text-red-700',
  refused: 'text-red-700',
};

/** A running task's steps, newest last: what the agent is doing while the page waits. */
export function TaskEventsView({ log }: { log: TaskEventLog }) {
  if (log.events.length === 0) return null;
  return (
    <ol class="space-y-0.5 text-xs" data-testid="task-events">
      {log.earlierOmitted ? <li class="text-slate-500">Earlier steps are not shown.</li> : null}
      {log.events.map((event) => (
        <li data-testid="task-event" data-type={event.type}>
          <EventLine event={event} />
        </li>
      ))}
    </ol>
  );
}

function EventLine({ event }: { event: TaskEvent }) {
  switch (event.type) {
    case 'thinking':
      return <>Thinking (step {event.step})</>;
    case 'tool_call':
      return (
        <>
          <span class="font-medium">{event.call.id}</span> <code>{event.call.tool}</code>
          {event.call.status === 'ok' ? null : <span class="text-red-700"> ({event.call.status})</span>} — {event.call.summary}
        </>
      );
    case 'answering':
      return <>Writing the answer</>;
    case 'unreadable':
      return <span class="text-slate-500">A step this control plane cannot read ({event.problem})</span>;
  }
}
