import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@sre/service-kit';
import { createVictoriaMetricsClient } from '@sre/victoriametrics';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../../../../test/victoriametrics';
import { assistantClientSecret, controlPlaneClientOptions, startControlPlaneDouble } from '../../test/control-plane-double';
import type { LocalServer } from '../../test/http-server';
import { alertStart, metricsAroundTheAlert, inventory } from '../../test/incident';
import { startAssistant, type AssistantWithBearer } from '../../test/test-app';
import { createInvestigator, type Investigator } from '../agent/investigator';
import { createGeminiModel } from '../agent/model/gemini-model';
import { startGeminiDouble, type GeminiDouble, type ScriptedReply } from '../agent/testing/gemini-double';
import { defaultToolLimits } from '../agent/tools/limits';
import { createToolRegistry } from '../agent/tools/registry';
import { createAlertDiagnoser } from '../analysis/alert-diagnoser';
import { createEvidenceCollector } from '../analysis/evidence-collector';
import { createControlPlaneClient } from '../integrations/control-plane.client';
import { createTaskWorker, type TaskWorker } from './task-worker.service';

const log = createLogger('sre-assistant', 'silent');
// What the queue hands the worker: a signal that aborts at the attempt's deadline, and that deadline.
const attempt = (ms: number) => [AbortSignal.timeout(ms), new Date(Date.now() + ms)] as const;

const call = (name: string, args: Record<string, unknown>): ScriptedReply => ({ kind: 'content', parts: [{ functionCall: { name, args } }], usage: { promptTokenCount: 2_000, candidatesTokenCount: 30 } });
const text = (value: string): ScriptedReply => ({ kind: 'content', parts: [{ text: value }], usage: { promptTokenCount: 3_000, candidatesTokenCount: 50 } });
const answer = (value: unknown): ScriptedReply => ({ kind: 'content', parts: [{ text: JSON.stringify(value) }], usage: { promptTokenCount: 3_500, candidatesTokenCount: 250 } });
const dbAnswer = {
  summary: { text: 'db-1 connections jumped twenty-fold when the alert began; web-1 waits on it.', evidence: ['T1', 'T2'] },
  hypotheses: [{ statement: 'db-1 is saturated with connections', entity: 'db-1', confidence: 0.8, evidence: ['T2'] }],
  nextSteps: [{ action: 'Look at what opened the connections on db-1', rationale: 'pg_stat_activity_count rose from 20 to 400' }],
};

describe('the task worker with the agent: Gemini (double) + real tools on VictoriaMetrics and the inventory', () => {
  let assistant: AssistantWithBearer;
  let victoriaMetrics: RunningVictoriaMetrics;
  let controlPlane: LocalServer;
  let gemini: GeminiDouble;
  let diagnoser: ReturnType<typeof createAlertDiagnoser>;
  let investigator: Investigator;

  beforeAll(async () => {
    assistant = await startAssistant({ scope: 'assistant.diagnose', clients: { 'sre-assistant': assistantClientSecret } });
    [victoriaMetrics, gemini] = await Promise.all([startVictoriaMetrics(), startGeminiDouble()]);
    await victoriaMetrics.importPrometheus(metricsAroundTheAlert());
    controlPlane = await startControlPlaneDouble(assistant.issuer.issuer, inventory);
    const metrics = createVictoriaMetricsClient({ url: victoriaMetrics.url, timeoutMs: 2_000 });
    const inventoryClient = createControlPlaneClient(controlPlaneClientOptions(assistant.issuer.issuer, controlPlane.url));
    diagnoser = createAlertDiagnoser({ collector: createEvidenceCollector({ metrics, inventory: inventoryClient }) });
    const tools = createToolRegistry({ metrics, inventory: inventoryClient, diagnoser, limits: defaultToolLimits });
    const model = createGeminiModel({ name: 'gemini-2.5-flash', apiKey: 'test-gemini-key', baseUrl: gemini.url, timeoutMs: 5_000, maxAttempts: 2, prices: { input: undefined, output: undefined } });
    const limits = { maxSteps: 6, timeoutMs: 20_000, tokenBudget: 100_000, toolOutputBytes: 8_000 };
    investigator = createInvestigator({ model, tools, limits, prices: { input: 0.3, output: 2.5 } });
  }, 30_000);
  afterAll(async () => {
    await gemini?.stop();
    await controlPlane?.close();
    await victoriaMetrics?.stop();
    await assistant?.close();
  });

  const db = () => assistant.database.db;
  const workerWith = (agent: Investigator | undefined): TaskWorker => createTaskWorker({ db: db(), diagnoser, investigator: agent, log });
  const newTask = async (kind: 'alert' | 'execute', request: Record<string, unknown>, labels?: Record<string, string>) => {
    const alertId = labels
      ? (await db().insertInto('alerts').values({ fingerprint: Math.random().toString(16).slice(2), status: 'firing', labels, starts_at: alertStart }).returning('id').executeTakeFirstOrThrow()).id
      : null;
    const body = kind === 'alert' ? { alertId } : { ...request, ...(alertId ? { context: { alertId } } : {}) };
    return (await db().insertInto('diagnosis_tasks').values({ kind, alert_id: alertId, request: body, requested_by: 'test' }).returning('id').executeTakeFirstOrThrow()).id;
  };
  const outcomeOf = async (taskId: string) => ({
    task: await db().selectFrom('diagnosis_tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow(),
    analysis: await db().selectFrom('ai_analyses').selectAll().where('task_id', '=', taskId).executeTakeFirstOrThrow(),
    events: await db().selectFrom('task_events').select(['type', 'detail']).where('task_id', '=', taskId).orderBy('id').execute(),
  });

  it('adds a grounded narrative to the deterministic diagnosis, with the transcript, the figures and live events', async () => {
    gemini.script(call('query_metrics_instant', { query: 'pg_stat_activity_count{device="db-1"}' }), text('db-1 it is.'), answer(dbAnswer));
    const taskId = await newTask('alert', {}, { alertname: 'HighLatency', instance: 'web-1:9100' });
    await workerWith(investigator).run(taskId, ...attempt(30_000));
    const { task, analysis, events } = await outcomeOf(taskId);

    expect(task.status).toBe('succeeded');
    expect(analysis).toMatchObject({ status: 'completed', verdict: 'likely_cause', model: 'gemini-2.5-flash', tokens_in: 8_500, tokens_out: 330 });
    expect(Number(analysis.cost_usd)).toBeCloseTo((8_500 * 0.3 + 330 * 2.5) / 1e6, 9);
    expect(analysis.hypotheses[0]!.entity).toBe('db-1');
    expect(analysis.narrative).toMatchObject({ summary: { grounded: true, evidence: ['T1', 'T2'] }, hypotheses: [{ entity: 'db-1', grounded: true }] });
    // T1 is the worker's own ranking, handed to the model rather than run again; T2 is VictoriaMetrics' answer.
    expect(analysis.transcript.map(({ id, tool, status }) => ({ id, tool, status }))).toEqual([
      { id: 'T1', tool: 'rank_root_causes', status: 'ok' },
      { id: 'T2', tool: 'query_metrics_instant', status: 'ok' },
    ]);
    expect(analysis.transcript[0]!.summary).toMatch(/^likely_cause, 2 hypotheses, first db-1/);
    // The figures count the model's own calls: the given T1 is not one.
    expect(analysis.agent).toMatchObject({ narrative: { status: 'answered', reason: null }, stoppedBy: 'answer', modelCalls: 3, toolCalls: 1, groundingRejections: 0 });
    expect(events.map((event) => event.type)).toEqual(['tool_call', 'thinking', 'tool_call', 'thinking', 'answering']);
    expect(events[0]!.detail).toMatchObject({ id: 'T1', tool: 'rank_root_causes' });
    const firstPrompt = (gemini.requests.at(-3)!.body as { contents: Array<{ parts: Array<{ text: string }> }> }).contents[0]!.parts[0]!.text;
    expect(firstPrompt).toContain('<result id="T1" tool="rank_root_causes">');
    expect(firstPrompt).toContain('most likely db-1');
    expect(firstPrompt).toContain('- The alert\'s labels: {"instance":"web-1:9100","alertname":"HighLatency"}');
  });

  it('keeps the deterministic diagnosis when the attempt\'s deadline comes during the agent', async () => {
    gemini.script({ ...text('slow'), delayMs: 10_000 }, { ...text('slow'), delayMs: 10_000 });
    const taskId = await newTask('alert', {}, { alertname: 'HighLatency', instance: 'web-1:9100' });
    await workerWith(investigator).run(taskId, ...attempt(4_000));
    const { task, analysis } = await outcomeOf(taskId);
    expect(task.status).toBe('partial');
    expect(analysis).toMatchObject({ status: 'partial', verdict: 'likely_cause', narrative: null });
    expect(analysis.agent).toMatchObject({ stoppedBy: 'time_limit', narrative: { status: 'unavailable', reason: expect.stringMatching(/^the agent ran out of time/) } });
  });

  it('starts a retried task\'s progress over: the failed attempt\'s events go', async () => {
    const taskId = await newTask('alert', {}, { alertname: 'HighLatency', instance: 'web-1:9100' });
    await db().insertInto('task_events').values({ task_id: taskId, type: 'thinking', detail: JSON.stringify({ step: 7 }) }).execute();
    gemini.script(text('nothing to add'), answer({ ...dbAnswer, summary: { text: 'db-1, as ranked.', evidence: ['T1'] } }));
    await workerWith(investigator).run(taskId, ...attempt(30_000));
    const { events } = await outcomeOf(taskId);
    expect(events.map((event) => [event.type, event.detail])).toEqual([
      ['tool_call', expect.objectContaining({ id: 'T1' })],
      ['thinking', { step: 1 }],
      ['answering', {}],
    ]);
  });

  it('keeps the deterministic diagnosis, as partial, when the model keeps failing', async () => {
    gemini.script({ kind: 'error', status: 503 }, { kind: 'error', status: 503 });
    const taskId = await newTask('alert', {}, { alertname: 'HighLatency', instance: 'web-1:9100' });
    await workerWith(investigator).run(taskId, ...attempt(30_000));
    const { task, analysis } = await outcomeOf(taskId);
    expect(task.status).toBe('partial');
    expect(analysis).toMatchObject({ status: 'partial', verdict: 'likely_cause', narrative: null, model: 'gemini-2.5-flash' });
    expect(analysis.summary).toMatch(/^HighLatency: most likely db-1 .* The narrative is unavailable: gemini-2\.5-flash answered 503/);
    expect(analysis.agent).toMatchObject({ stoppedBy: 'model_failure', narrative: { status: 'unavailable' } });
  });

  it('answers a free-form question with the agent alone', async () => {
    gemini.script(call('list_devices', {}), text('two devices'), answer({ ...dbAnswer, summary: { text: 'Two devices are in the inventory: web-1 and db-1.', evidence: ['T1'] }, hypotheses: [] }));
    const taskId = await newTask('execute', { question: 'What is in the inventory?' });
    await workerWith(investigator).run(taskId, ...attempt(30_000));
    const { task, analysis } = await outcomeOf(taskId);
    expect(task).toMatchObject({ status: 'succeeded', error: null });
    expect(analysis).toMatchObject({ kind: 'execute-diagnosis', status: 'completed', summary: 'Two devices are in the inventory: web-1 and db-1.', verdict: null });
    expect(analysis.transcript[0]).toMatchObject({ tool: 'list_devices', status: 'ok', summary: expect.stringMatching(/2 devices/) });
  });

  it('without a model: an alert keeps its deterministic diagnosis, a question without an alert fails saying why', async () => {
    const alertTask = await newTask('alert', {}, { alertname: 'HighLatency', instance: 'web-1:9100' });
    await workerWith(undefined).run(alertTask, ...attempt(30_000));
    const alert = await outcomeOf(alertTask);
    expect(alert.task.status).toBe('succeeded');
    expect(alert.analysis).toMatchObject({ verdict: 'likely_cause', narrative: null, model: null, tokens_in: null, cost_usd: null, transcript: [] });
    expect(alert.analysis.agent).toMatchObject({ stoppedBy: 'not_run', narrative: { status: 'unavailable', reason: 'no language model is configured (GEMINI_API_KEY)' } });
    expect(alert.events).toEqual([]);

    const questionTask = await newTask('execute', { question: 'Why is checkout slow?' });
    await workerWith(undefined).run(questionTask, ...attempt(30_000));
    const question = await outcomeOf(questionTask);
    expect(question.task).toMatchObject({ status: 'failed', error: 'the question could not be answered: no language model is configured (GEMINI_API_KEY)' });
  });
});
