import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishTask, insertAnalysis, insertTask, insertTaskEvent, narrative, runFigures, toolCall } from '../../test/agent-records';
import { startControlPlane, type ControlPlaneUnderTest } from '../../test/harness';

const script = '</script><script>alert(1)</script>';

/** The text a person reads, roughly: tags become spaces, entities are decoded, runs of white space collapse. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Each `<tag>` element marked with this test id: its opening tag and its inner HTML up to the
 * first `</tag>` (none of the elements tested here nests another of its own kind).
 */
const elements = (html: string, tag: string, testId: string) =>
  [...html.matchAll(new RegExp(`(<${tag}\\b[^>]*data-testid="${testId}"[^>]*>)(.*?)</${tag}>`, 'gs'))].map(([, opening, inner]) => ({
    opening: opening!,
    inner: inner!,
    text: textOf(inner!),
  }));
const count = (html: string, testId: string) => html.split(`data-testid="${testId}"`).length - 1;

describe("the agent's narrative in an alert's diagnosis panel", () => {
  let controlPlane: ControlPlaneUnderTest;
  let viewer: { cookie: string };
  let alertCount = 0;

  const db = () => controlPlane.database.db;
  const newAlert = async () => {
    alertCount += 1;
    const alert = await db()
      .insertInto('alerts')
      .values({ fingerprint: `a${alertCount}`, status: 'firing', labels: { alertname: 'HighLoad', instance: 'db-1:9100' }, starts_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return alert.id;
  };
  const panel = async (alertId: string) => {
    const response = await fetch(`${controlPlane.url}/alerts/${alertId}/diagnosis`, { headers: { cookie: viewer.cookie, 'hx-request-type': 'partial' } });
    expect(response.status).toBe(200);
    return response.text();
  };

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    viewer = await controlPlane.sessionFor(['viewer']);
  });
  afterAll(async () => {
    await controlPlane?.close();
  });

  it('shows the narrative under the deterministic result, each claim linked to the tool calls it cites', async () => {
    const alertId = await newAlert();
    const taskId = await insertTask(db(), { kind: 'alert', alertId, status: 'succeeded' });
    await insertAnalysis(db(), taskId, {
      alertId,
      summary: 'Most likely cause: load on db-1 (deterministic ranking).',
      narrative: narrative({
        hypotheses: [
          { text: 'A backup job saturated the disks of db-1.', evidence: ['T1'], rejectedEvidence: [], grounded: true, entity: 'db-1', confidence: 0.7 },
          { text: `The network dropped packets ${script}`, evidence: [], rejectedEvidence: ['T2', 'T9'], grounded: false, entity: null, confidence: 0.2 },
        ],
        nextSteps: [{ action: `Check the disk queue on db-1 ${script}`, rationale: 'io wait rose with the load' }],
      }),
      transcript: [
        toolCall('T1'),
        toolCall('T2', { tool: 'query_metrics_instant', status: 'error', arguments: { query: script }, summary: `VictoriaMetrics answered 422 ${script}`, truncated: true, durationMs: 2_345 }),
      ],
      agent: runFigures({ groundingRejections: 3 }),
    });

    const html = await panel(alertId);
    expect(html).not.toContain('<script>');
    const deterministic = html.indexOf('Most likely cause: load on db-1');
    const report = html.indexOf('data-testid="agent-report"');
    expect(deterministic).toBeGreaterThan(-1);
    expect(report).toBeGreaterThan(deterministic);

    const [summary] = elements(html, 'div', 'narrative-summary');
    expect(summary!.opening).toContain('data-supported="true"');
    expect(summary!.text).toBe('Load on db-1 rose sharply at 00:50. Evidence T1');
    expect(summary!.inner).toContain('<a class="font-medium text-sky-700 hover:underline" href="#tool-call-T1" data-testid="evidence-link">T1</a>');

    const [supported, unsupported] = elements(html, 'li', 'narrative-hypothesis');
    expect(supported!.opening).toContain('data-supported="true"');
    expect(supported!.text).toBe('db-1 confidence 70% A backup job saturated the disks of db-1. Evidence T1');
    expect(unsupported!.opening).toContain('data-supported="false"');
    expect(unsupported!.text).toBe(
      `confidence 20% Unsupported The network dropped packets ${script} No successful tool call backs this claim: treat it as a guess, not a finding. Evidence T2 (the call failed) T9 (not in the transcript)`,
    );
    expect(unsupported!.inner).toContain('<a class="line-through" href="#tool-call-T2">T2</a> (the call failed)');
    expect(unsupported!.inner).toContain('<s>T9</s> (not in the transcript)');
    expect(unsupported!.inner).not.toContain('href="#tool-call-T9"');

    const [nextSteps] = elements(html, 'div', 'next-steps');
    expect(nextSteps!.text).toBe(`Suggested next steps Advice for you to weigh: nothing here runs automatically. Check the disk queue on db-1 ${script} — io wait rose with the load`);

    expect(elements(html, 'p', 'agent-figures').map((figures) => figures.text)).toEqual([
      'model gemini-2.5-flash · 12,345 tokens in / 678 out · $0.0042 · 3 model calls · 2 tool calls · 3 grounding rejections · stopped because the model answered · 8.4 s in all',
    ]);

    const calls = elements(html, 'li', 'tool-call');
    expect(calls.map((call) => call.opening)).toEqual([
      '<li id="tool-call-T1" class="rounded border border-slate-200 p-2 target:ring-2 target:ring-sky-500" data-testid="tool-call" data-status="ok">',
      '<li id="tool-call-T2" class="rounded border border-slate-200 p-2 target:ring-2 target:ring-sky-500" data-testid="tool-call" data-status="error">',
    ]);
    expect(calls[0]!.text).toMatch(/^T1 query_metrics_range ok 187 ms 2,048 bytes sha256 9f86d081884c 1 series, 61 samples; node_load1 rose from 0\.4 to 7\.9 at 00:50 \{/);
    expect(calls[0]!.inner).toContain('title="sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"');
    expect(calls[0]!.inner).not.toContain('data-testid="truncated"');
    expect(calls[1]!.text).toMatch(new RegExp(`^T2 query_metrics_instant error truncated 2\\.3 s 2,048 bytes sha256 9f86d081884c VictoriaMetrics answered 422 `));
    const argumentsHtml = calls[1]!.inner.match(/data-testid="tool-call-arguments">(.*?)<\/code>/s)?.[1] ?? '';
    expect(argumentsHtml).toContain('&lt;/script>&lt;script>');
    expect(JSON.parse(textOf(argumentsHtml))).toEqual({ query: script });

    // Every link a claim makes lands on a tool call of the list.
    const targets = [...html.matchAll(/href="#(tool-call-T\d+)"/g)].map((match) => match[1]);
    expect(new Set(targets)).toEqual(new Set(['tool-call-T1', 'tool-call-T2']));
  });

  it('says why there is no narrative, with the figures of the attempt and "price unknown" when no price is configured', async () => {
    const alertId = await newAlert();
    const taskId = await insertTask(db(), { kind: 'alert', alertId, status: 'partial' });
    const reason = 'the model failed: Gemini answered 429 three times <b>';
    await insertAnalysis(db(), taskId, {
      alertId,
      status: 'partial',
      summary: 'Most likely cause: load on db-1.',
      narrative: null,
      transcript: [toolCall('T1')],
      agent: runFigures({ narrative: { status: 'unavailable', reason }, stoppedBy: 'model_failure', costUsd: null, toolCalls: 1 }),
    });

    const html = await panel(alertId);
    expect(elements(html, 'p', 'narrative-unavailable').map((line) => line.text)).toEqual([`Narrative unavailable: ${reason}`]);
    expect(html).toContain('&lt;b>');
    const [figures] = elements(html, 'p', 'agent-figures');
    expect(figures!.text).toContain('· price unknown ·');
    expect(figures!.text).toContain('stopped because the model failed');
    expect(count(html, 'tool-call')).toBe(1);
    expect(count(html, 'narrative')).toBe(0);
  });

  it('says only that the narrative is unavailable when no model is configured', async () => {
    const alertId = await newAlert();
    const taskId = await insertTask(db(), { kind: 'alert', alertId, status: 'succeeded' });
    await insertAnalysis(db(), taskId, {
      alertId,
      summary: 'Most likely cause: load on db-1.',
      narrative: null,
      agent: runFigures({
        narrative: { status: 'unavailable', reason: 'no language model is configured (GEMINI_API_KEY)' },
        model: null,
        stoppedBy: 'not_run',
        modelCalls: 0,
        toolCalls: 0,
        tokens: { input: 0, output: 0, total: 0 },
        costUsd: 0,
        latencyMs: 0,
      }),
    });

    const html = await panel(alertId);
    expect(elements(html, 'p', 'narrative-unavailable').map((line) => line.text)).toEqual(['Narrative unavailable: no language model is configured (GEMINI_API_KEY)']);
    expect(count(html, 'agent-figures')).toBe(0);
    expect(count(html, 'tool-calls')).toBe(0);
  });

  it('shows nothing of the agent for an analysis it was never part of', async () => {
    const alertId = await newAlert();
    const taskId = await insertTask(db(), { kind: 'alert', alertId, status: 'succeeded' });
    await insertAnalysis(db(), taskId, { alertId, summary: 'Most likely cause: load on db-1.', narrative: null, agent: null });

    const html = await panel(alertId);
    expect(html).toContain('Most likely cause: load on db-1.');
    expect(count(html, 'agent-report')).toBe(0);
    expect(count(html, 'narrative-unavailable')).toBe(0);
  });

  it('degrades visibly when the agent columns are not in a shape it knows, keeping the deterministic result', async () => {
    const alertId = await newAlert();
    const taskId = await insertTask(db(), { kind: 'alert', alertId, status: 'succeeded' });
    await insertAnalysis(db(), taskId, {
      alertId,
      summary: 'Most likely cause: load on db-1.',
      raw: { narrative: { headline: 'a shape from a newer assistant' } },
      agent: runFigures(),
    });

    const html = await panel(alertId);
    expect(html).toContain('Most likely cause: load on db-1.');
    expect(count(html, 'agent-unreadable')).toBe(1);
    expect(textOf(html)).toContain("The assistant's narrative could not be read The assistant stored the narrative, tool calls or run figures in a shape this control plane does not understand (narrative.summary: ");
    expect(count(html, 'narrative')).toBe(0);
  });

  it("shows the agent's steps live while the task runs, newest last, then the answer instead", async () => {
    const alertId = await newAlert();
    const taskId = await insertTask(db(), { kind: 'alert', alertId, status: 'running' });
    const eventLines = async () => {
      const html = await panel(alertId);
      expect(html).toContain('hx-trigger="load delay:1s"');
      return elements(html, 'li', 'task-event').map((line) => line.text);
    };
    expect(await eventLines()).toEqual([]);

    await insertTaskEvent(db(), taskId, { type: 'thinking', step: 1 });
    await insertTaskEvent(db(), taskId, { type: 'tool_call', record: toolCall('T1') });
    expect(await eventLines()).toEqual(['Thinking (step 1)', 'T1 query_metrics_range — 1 series, 61 samples; node_load1 rose from 0.4 to 7.9 at 00:50']);

    await insertTaskEvent(db(), taskId, { type: 'thinking', step: 2 });
    await insertTaskEvent(db(), taskId, { type: 'tool_call', record: toolCall('T2', { tool: 'get_device', status: 'error', summary: `no device <i>db-9</i>` }) });
    await db().insertInto('task_events').values({ task_id: taskId, type: 'tool_call', detail: JSON.stringify({ id: 'T3' }) }).execute();
    await insertTaskEvent(db(), taskId, { type: 'answering' });
    const lines = await eventLines();
    expect(lines.slice(2, 4)).toEqual(['Thinking (step 2)', 'T2 get_device (error) — no device <i>db-9</i>']);
    expect(lines[4]).toMatch(/^A step this control plane cannot read \(tool_call: /);
    expect(lines[5]).toBe('Writing the answer');
    expect(lines).toHaveLength(6);

    await finishTask(db(), taskId, 'succeeded');
    await insertAnalysis(db(), taskId, { alertId, summary: 'Most likely cause: load on db-1.', narrative: narrative(), transcript: [toolCall('T1')], agent: runFigures() });
    const done = await panel(alertId);
    expect(done).not.toContain('hx-trigger');
    expect(count(done, 'task-event')).toBe(0);
    expect(count(done, 'narrative-summary')).toBe(1);
  });
});
