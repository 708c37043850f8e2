// The product's loop on the real pieces: VictoriaMetrics → vmalert → Alertmanager → the control
// plane's webhook → its automatic diagnosis policy → the assistant's queue and worker →
// ai_analyses, with both services as their own processes on one PostgreSQL.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRow, Database, Kysely } from '@sre/db';
import type { Browser } from 'playwright-core';
import { startAlertmanager, type RunningAlertmanager } from '../test/alertmanager';
import { launchChromium } from '../test/browser';
import { createTestDatabase, type TestDatabase } from '../test/database';
import { platformEnvironment, startServiceProcess, type ServiceProcess } from '../test/services';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../test/victoriametrics';
import { startVmalert, type RunningVmalert } from '../test/vmalert';


const rules = `
groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: DatabaseConnectionsExhausted
        expr: pg_stat_activity_count{device="db-1"} > 100
        labels:
          severity: critical
        annotations:
          summary: "{{ $labels.device }} has {{ $value }} connections"
`;

/** Prometheus text: `metric` of db-1 at `level` (± a wobble, up one minute and down the next), every 15 s from `from` to `to`. */
function samples(metric: string, from: number, to: number, level: number): string {
  const lines: string[] = [];
  for (let time = from; time <= to; time += 15_000) {
    lines.push(`${metric}{device="db-1",job="postgres"} ${level + (Math.floor(time / 60_000) % 2 === 0 ? 0.01 : -0.01) * level} ${time}`);
  }
  return `${lines.join('\n')}\n`;
}

/** An hour of normal life: db-1's connections and replication lag, and a steady neighbour. */
function history(now: number): string {
  const hourAgo = now - 70 * 60_000;
  const neighbour = samples('node_load1', hourAgo, now, 1).replaceAll('device="db-1",job="postgres"', 'instance="web-1:9100",job="node"');
  return samples('pg_stat_activity_count', hourAgo, now, 20) + samples('pg_replication_lag_seconds', hourAgo, now, 0.5) + neighbour;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, diagnostics: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${diagnostics()}`);
    await sleep(200);
  }
}

describe('an alert, end to end, on VictoriaMetrics, vmalert, Alertmanager and both services', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let victoriaMetrics: RunningVictoriaMetrics;
  let alertmanager: RunningAlertmanager;
  let vmalert: RunningVmalert;
  let controlPlane: ServiceProcess;
  let assistant: ServiceProcess | undefined;
  let assistantEnvironment: Record<string, string>;
  let assistantUrl: string;
  let controlPlaneUrl: string;
  const logs = () => `--- control plane ---\n${controlPlane?.output().slice(-2000)}\n--- assistant ---\n${assistant?.output().slice(-2000)}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const [web, dbDevice] = await db
      .insertInto('devices')
      .values([
        { name: 'web-1', kind: 'host', labels: { instance: 'web-1:9100' } },
        { name: 'db-1', kind: 'database', labels: { device: 'db-1' } },
      ])
      .returning('id')
      .execute();
    await db.insertInto('device_dependencies').values({ from_device_id: web!.id, to_device_id: dbDevice!.id }).execute();

    victoriaMetrics = await startVictoriaMetrics();
    await victoriaMetrics.importPrometheus(history(Date.now()));

    const webhookToken = randomBytes(24).toString('base64url');
    const platform = await platformEnvironment({ databaseUrl: database.url, victoriaMetricsUrl: victoriaMetrics.url, webhookToken, autoDiagnoseSeverities: 'critical,page' });
    controlPlaneUrl = platform.controlPlane.url;
    assistantUrl = platform.assistant.url;
    assistantEnvironment = platform.assistant.env;
    controlPlane = await startServiceProcess('control-plane', controlPlaneUrl, platform.controlPlane.env);
    assistant = await startServiceProcess('sre-assistant', assistantUrl, assistantEnvironment);
    alertmanager = await startAlertmanager({ webhookUrl: `${controlPlaneUrl}/api/v1/alerts/alertmanager`, bearerToken: webhookToken });
    vmalert = await startVmalert({ rules, datasourceUrl: victoriaMetrics.url, notifierUrl: alertmanager.url });
  }, 120_000);

  afterAll(async () => {
    await vmalert?.stop();
    await alertmanager?.stop();
    await assistant?.stop();
    await controlPlane?.stop();
    await victoriaMetrics?.stop();
    await database?.drop();
  }, 60_000);

  const firingAlert = () =>
    db.selectFrom('alerts').selectAll().where('status', '=', 'firing').where((eb) => eb(eb.ref('labels', '->>').key('alertname'), '=', 'DatabaseConnectionsExhausted')).executeTakeFirst();

  const finishedTaskOf = (alertId: string) =>
    db.selectFrom('diagnosis_tasks').selectAll().where('alert_id', '=', alertId).where('status', 'in', ['succeeded', 'partial', 'failed']).executeTakeFirst();

  let alert: AlertRow;

  it('diagnoses a broken metric on its own: the stored analysis names the entity, with evidence', async () => {
    // The latest sample is what vmalert's instant queries see (for five minutes); none lies in the future.
    await victoriaMetrics.importPrometheus(samples('pg_stat_activity_count', Date.now() - 30_000, Date.now(), 180));

    alert = await waitFor('vmalert → Alertmanager → webhook to store the firing alert', firingAlert, 45_000, logs);
    expect(alert.labels).toMatchObject({ alertname: 'DatabaseConnectionsExhausted', device: 'db-1', severity: 'critical' });
    expect(alert.generator_url).toContain('g0.expr=');

    const task = await waitFor('the automatic diagnosis to finish', () => finishedTaskOf(alert.id), 30_000, logs);
    expect(task).toMatchObject({ kind: 'alert', status: 'succeeded', requested_by: expect.any(String) });
    expect(task.completed_at!.getTime() - alert.first_seen_at.getTime()).toBeLessThan(10_000);
    const tasks = await db.selectFrom('diagnosis_tasks').select('id').where('alert_id', '=', alert.id).execute();
    expect(tasks).toHaveLength(1);

    const analysis = await db.selectFrom('ai_analyses').selectAll().where('task_id', '=', task.id).executeTakeFirstOrThrow();
    expect(analysis.status).toBe('completed');
    const [top] = analysis.hypotheses;
    expect(analysis.verdict).toBe('likely_cause');
    expect(top).toMatchObject({ rank: 1, entity: 'db-1', metric: 'pg_stat_activity_count', direction: 'up' });
    expect(top!.evidence.query).toBe('{__name__="pg_stat_activity_count", device="db-1", job="postgres"}');
    expect(top!.evidence.baseline.median).toBeCloseTo(20, 0);
    expect(top!.evidence.anomaly.max).toBeGreaterThan(170);
    expect(analysis.summary).toContain('most likely db-1');
    expect(analysis.summary).toContain('pg_stat_activity_count on db-1 rose from a median of 20');
  }, 90_000);

  it('closes the alert when the metric recovers and Alertmanager says resolved', async () => {
    await victoriaMetrics.importPrometheus(samples('pg_stat_activity_count', Date.now(), Date.now(), 20));
    const resolved = await waitFor(
      'the resolved notification to close the alert',
      () => db.selectFrom('alerts').selectAll().where('id', '=', alert.id).where('status', '=', 'resolved').executeTakeFirst(),
      45_000,
      logs,
    );
    expect(resolved.ends_at).not.toBeNull();
  }, 60_000);

  it('in a browser, an operator asks again and sees the hypothesis and the chart of the alert', async () => {
    const browser: Browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${controlPlaneUrl}/auth/login?returnTo=/alerts/${alert.id}`);
      await page.getByLabel('Username').fill('operator');
      await page.getByLabel('Password').fill('operator');
      await page.getByRole('button', { name: /sign in/i }).click();
      await page.waitForURL(`${controlPlaneUrl}/alerts/${alert.id}`);

      // The automatic diagnosis is on the page already; a second one is asked for by hand.
      expect(await page.getByTestId('diagnosis-panel').getAttribute('data-status')).toBe('succeeded');
      await page.getByTestId('diagnose-button').click();
      await expect.poll(() => db.selectFrom('diagnosis_tasks').select('id').where('alert_id', '=', alert.id).execute().then((rows) => rows.length), { timeout: 10_000 }).toBe(2);
      // The panel still shows the first diagnosis until the click's response swaps it: wait for the
      // swap (the first one listed as earlier), then for the new one to finish.
      await expect.poll(() => page.getByTestId('earlier-diagnoses').count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => page.getByTestId('diagnosis-panel').getAttribute('data-status'), { timeout: 10_000 }).toBe('succeeded');
      const top = page.getByTestId('hypothesis').first();
      expect(await top.textContent()).toContain('pg_stat_activity_count on db-1 rose from a median of 20');
      expect(await page.getByTestId('evidence-query').first().textContent()).toBe('{__name__="pg_stat_activity_count", device="db-1", job="postgres"}');

      // The alert's own expression, from VictoriaMetrics through the control plane, drawn by uPlot.
      await page.locator('[data-alert-chart][data-drawn] canvas').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('chart-expression').textContent()).toContain('pg_stat_activity_count{device="db-1"} > 100');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('picks up a task whose assistant was killed mid-run, and completes it once', async () => {
    // An assistant whose VictoriaMetrics accepts connections and never answers: its task stays running.
    const sockets = new Set<Socket>();
    const blackHole: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const blackHoleUrl = `http://127.0.0.1:${(blackHole.address() as { port: number }).port}`;
    try {
      await assistant!.stop();
      assistant = await startServiceProcess('sre-assistant', assistantUrl, { ...assistantEnvironment, VM_URL: blackHoleUrl });

      await victoriaMetrics.importPrometheus(samples('pg_replication_lag_seconds', Date.now() - 30_000, Date.now(), 40));
      await alertmanager.postAlerts([{ labels: { alertname: 'ReplicationLagging', device: 'db-1', severity: 'page' }, annotations: { summary: 'db-1 lags' } }]);
      const stuck = await waitFor(
        "the second alert's diagnosis to be running",
        () =>
          db
            .selectFrom('diagnosis_tasks')
            .innerJoin('alerts', 'alerts.id', 'diagnosis_tasks.alert_id')
            .select(['diagnosis_tasks.id', 'diagnosis_tasks.status'])
            .where((eb) => eb(eb.ref('alerts.labels', '->>').key('alertname'), '=', 'ReplicationLagging'))
            .where('diagnosis_tasks.status', '=', 'running')
            .executeTakeFirst(),
        45_000,
        logs,
      );

      await assistant.kill();
      assistant = await startServiceProcess('sre-assistant', assistantUrl, assistantEnvironment);

      const task = await waitFor(
        'another assistant to pick the task up and finish it',
        () => db.selectFrom('diagnosis_tasks').selectAll().where('id', '=', stuck.id).where('status', 'in', ['succeeded', 'partial', 'failed']).executeTakeFirst(),
        60_000,
        logs,
      );
      expect(task).toMatchObject({ status: 'succeeded', attempts: 2, error: null });
      const analyses = await db.selectFrom('ai_analyses').select(['status', 'hypotheses']).where('task_id', '=', task.id).execute();
      expect(analyses).toHaveLength(1);
      expect(analyses[0]!.status).toBe('completed');
      expect(analyses[0]!.hypotheses.map((hypothesis) => `${hypothesis.entity}/${hypothesis.metric}/${hypothesis.direction}`)).toContain(
        'db-1/pg_replication_lag_seconds/up',
      );
      const completions = await db.selectFrom('audit_log').select('action').where('target_id', '=', task.id).where('action', '=', 'diagnosis.completed').execute();
      expect(completions).toHaveLength(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      blackHole.close();
    }
  }, 150_000);
});
