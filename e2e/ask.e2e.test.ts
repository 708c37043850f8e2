// A free-form question, end to end: an operator asks on the control plane's Ask page, the
// assistant's agent investigates with its real tools (VictoriaMetrics, the control plane's read
// API, Grafana) and Gemini, and the grounded answer comes back to the page, with its progress
// shown on the way. Gemini and Grafana are doubles speaking their wire protocols: Google cannot
// be reached from here, and no Grafana runs here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Kysely } from '@sre/db';
import { startGeminiDouble, type GeminiDouble, type ScriptedReply } from '../services/sre-assistant/src/agent/testing/gemini-double';
import { grafanaDoubleToken, startGrafanaDouble, type GrafanaDouble } from '../services/sre-assistant/src/integrations/testing/grafana-double';
import { launchChromium } from '../test/browser';
import { createTestDatabase, type TestDatabase } from '../test/database';
import { platformEnvironment, startServiceProcess, type ServiceProcess } from '../test/services';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../test/victoriametrics';

const call = (name: string, args: Record<string, unknown>, delayMs = 0): ScriptedReply => ({
  kind: 'content',
  parts: [{ functionCall: { name, args } }],
  usage: { promptTokenCount: 2_000, candidatesTokenCount: 30 },
  delayMs,
});
const answer = (value: unknown): ScriptedReply => ({ kind: 'content', parts: [{ text: JSON.stringify(value) }], usage: { promptTokenCount: 4_000, candidatesTokenCount: 300 } });

/** db-1's connections, every 15 s over the last hour: 20 until ten minutes ago, then 400. */
function connections(now: number): string {
  const lines: string[] = [];
  for (let time = now - 60 * 60_000; time <= now; time += 15_000) lines.push(`pg_stat_activity_count{device="db-1",job="postgres"} ${time < now - 10 * 60_000 ? 20 : 400} ${time}`);
  return `${lines.join('\n')}\n`;
}

describe('a question on the Ask page, answered by the agent on both services, VictoriaMetrics, and Gemini and Grafana doubles', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let victoriaMetrics: RunningVictoriaMetrics;
  let gemini: GeminiDouble;
  let grafana: GrafanaDouble;
  let controlPlane: ServiceProcess;
  let assistant: ServiceProcess;
  let controlPlaneUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await db
      .insertInto('devices')
      .values([
        { name: 'web-1', kind: 'host', labels: { instance: 'web-1:9100' } },
        { name: 'db-1', kind: 'database', labels: { device: 'db-1' } },
      ])
      .execute();
    const deployedAt = Date.now() - 11 * 60_000;
    [victoriaMetrics, gemini, grafana] = await Promise.all([
      startVictoriaMetrics(),
      startGeminiDouble({ apiKey: 'e2e-gemini-key' }),
      startGrafanaDouble({ annotations: [{ id: 1, time: deployedAt, text: 'Deployed orders-api v2.3 (connection pool 50 → 500)', tags: ['deploy'] }] }),
    ]);
    await victoriaMetrics.importPrometheus(connections(Date.now()));

    const platform = await platformEnvironment({ databaseUrl: database.url, victoriaMetricsUrl: victoriaMetrics.url, webhookToken: 'e2e-webhook-token-0123456789', autoDiagnoseSeverities: 'critical' });
    controlPlaneUrl = platform.controlPlane.url;
    controlPlane = await startServiceProcess('control-plane', controlPlaneUrl, platform.controlPlane.env);
    assistant = await startServiceProcess('sre-assistant', platform.assistant.url, {
      ...platform.assistant.env,
      GEMINI_API_KEY: 'e2e-gemini-key',
      GEMINI_BASE_URL: gemini.url,
      GEMINI_MODEL: 'gemini-2.5-flash',
      GRAFANA_URL: grafana.url,
      GRAFANA_SERVICE_ACCOUNT_TOKEN: grafanaDoubleToken,
    });
  }, 120_000);

  afterAll(async () => {
    await assistant?.stop();
    await controlPlane?.stop();
    await gemini?.stop();
    await grafana?.stop();
    await victoriaMetrics?.stop();
    await database?.drop();
  }, 60_000);

  it('shows the steps as they happen, then the answer with its evidence, an unsupported claim marked, and what it cost', async () => {
    gemini.script(
      call('query_metrics_instant', { query: 'pg_stat_activity_count{device="db-1"}' }),
      // Held back, so that the page shows the first call while the model "thinks".
      call('list_annotations', { tags: ['deploy'] }, 3_000),
      { kind: 'content', parts: [{ text: 'db-1 it is.' }], usage: { promptTokenCount: 3_000, candidatesTokenCount: 40 } },
      answer({
        summary: { text: 'db-1 has 400 connections, twenty times its usual 20.', evidence: ['T1'] },
        hypotheses: [
          { statement: 'The orders-api deploy raised its pool to 500 connections a minute before db-1 filled up', entity: 'db-1', confidence: 0.8, evidence: ['T1', 'T2'] },
          { statement: 'A deploy at 02:55 caused it', entity: 'web-1', confidence: 0.2, evidence: ['T7'] },
        ],
        nextSteps: [{ action: 'Find what opened the connections on db-1', rationale: 'they rose twenty-fold' }],
      }),
    );
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${controlPlaneUrl}/auth/login?returnTo=/ask`);
      await page.getByLabel('Username').fill('operator');
      await page.getByLabel('Password').fill('operator');
      await page.getByRole('button', { name: /sign in/i }).click();
      await page.waitForURL(`${controlPlaneUrl}/ask`);

      await page.locator('#ask-question').fill('Why is db-1 refusing connections?');
      await page.getByTestId('ask-button').click();
      // The question's page, or the form again saying why it could not be asked: a failure names its reason.
      await page.locator('[data-testid="answer-panel"], [data-testid="ask-refused"]').first().waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('ask-refused').count(), (await page.getByTestId('ask-refused').allTextContents()).join(' ')).toBe(0);
      expect(page.url()).toMatch(/\/ask\/[0-9a-f-]{36}$/);

      // Live: the first tool call is listed while the second model turn is held back.
      await page.locator('[data-testid="task-event"][data-type="tool_call"]').first().waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('answer-panel').getAttribute('data-status')).toBe('running');

      await expect.poll(() => page.getByTestId('answer-panel').getAttribute('data-status'), { timeout: 20_000 }).toBe('succeeded');
      expect(await page.getByTestId('claim-text').first().textContent()).toBe('db-1 has 400 connections, twenty times its usual 20.');
      expect(await page.getByTestId('evidence-link').allTextContents()).toEqual(['T1', 'T1', 'T2']);
      expect(await page.getByTestId('unsupported').count()).toBe(1);
      expect(await page.getByTestId('rejected-evidence').first().textContent()).toContain('T7');
      const calls = page.getByTestId('tool-call');
      expect(await calls.count()).toBe(2);
      // The real VictoriaMetrics answered the query the model wrote; Grafana had the deploy.
      expect(await calls.first().getByTestId('tool-call-summary').textContent()).toMatch(/^1 series/);
      expect(await calls.nth(1).getByTestId('tool-call-summary').textContent()).toMatch(/^1 annotation/);
      expect(await page.getByTestId('agent-figures').textContent()).toMatch(/^model gemini-2\.5-flash · 11,000 tokens in \/ 400 out · \$0\.00/);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }

    // What the assistant sent Gemini: its key in the header Google reads, and the read-only tools it offers.
    const first = gemini.requests.find((request) => request.path.endsWith(':streamGenerateContent'))!;
    expect(gemini.requests.every((request) => request.apiKeyValid)).toBe(true);
    const declared = (first.body as { tools: Array<{ functionDeclarations: Array<{ name: string }> }> }).tools[0]!.functionDeclarations.map((tool) => tool.name);
    expect(declared).toEqual(expect.arrayContaining(['query_metrics_range', 'list_devices', 'get_device', 'list_alert_history', 'list_audit_log', 'list_annotations', 'rank_root_causes']));
    expect(grafana.requests).toEqual([expect.objectContaining({ path: '/api/annotations', credentials: 'token', query: expect.objectContaining({ tags: ['deploy'], type: ['annotation'] }) })]);
    const analysis = await db.selectFrom('ai_analyses').selectAll().where('kind', '=', 'execute-diagnosis').executeTakeFirstOrThrow();
    expect(analysis).toMatchObject({ status: 'completed', model: 'gemini-2.5-flash', tokens_in: 11_000, tokens_out: 400 });
    expect(analysis.narrative!.hypotheses.map((hypothesis) => hypothesis.grounded)).toEqual([true, false]);
  }, 90_000);
});
