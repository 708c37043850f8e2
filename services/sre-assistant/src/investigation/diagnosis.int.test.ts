import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Kysely } from '@sre/db';
import { createLogger } from '@sre/service-kit';
import { createVictoriaMetricsClient } from '@sre/victoriametrics';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../../../../test/victoriametrics';
import { assistantClientSecret, controlPlaneClientOptions, startControlPlaneDouble } from '../../test/control-plane-double';
import type { LocalServer } from '../../test/http-server';
import { jobsOfTask, startAssistant, startTestQueue, type AssistantWithBearer } from '../../test/test-app';
import { createControlPlaneClient } from '../integrations/control-plane.client';
import { alertStart, inventory, metricsAroundTheAlert, restartedAlertStart } from '../../test/incident';
import type { TaskQueue } from '../tasks/task-queue';
import { createAlertDiagnoser } from '../analysis/alert-diagnoser';
import { createTaskWorker, type TaskWorker } from './task-worker.service';
import { createEvidenceCollector } from '../analysis/evidence-collector';
import { analysisWindows } from '../analysis/windows';

const log = createLogger('sre-assistant', 'silent');
async function waitForEnd(db: Kysely<Database>, taskId: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await db.selectFrom('diagnosis_tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    if (['succeeded', 'partial', 'failed'].includes(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${task.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('diagnosing an alert: queue → worker → VictoriaMetrics and the inventory → ai_analyses', () => {
  let assistant: AssistantWithBearer;
  let victoriaMetrics: RunningVictoriaMetrics;
  let controlPlane: LocalServer;
  let worker: TaskWorker;

  beforeAll(async () => {
    assistant = await startAssistant({ scope: 'assistant.diagnose', clients: { 'sre-assistant': assistantClientSecret } });
    victoriaMetrics = await startVictoriaMetrics();
    await victoriaMetrics.importPrometheus(metricsAroundTheAlert());
    controlPlane = await startControlPlaneDouble(assistant.issuer.issuer, inventory);
    const collector = createEvidenceCollector({
      metrics: createVictoriaMetricsClient({ url: victoriaMetrics.url, timeoutMs: 2_000 }),
      inventory: createControlPlaneClient(controlPlaneClientOptions(assistant.issuer.issuer, controlPlane.url)),
    });
    worker = createTaskWorker({ db: assistant.database.db, diagnoser: createAlertDiagnoser({ collector }), log });
    await assistant.taskQueue.work(worker);
  }, 30_000);
  afterAll(async () => {
    await controlPlane?.close();
    await victoriaMetrics?.stop();
    await assistant?.close();
  });

  const insertAlert = async (labels: Record<string, string>, startsAt = alertStart) =>
    (
      await assistant.database.db
        .insertInto('alerts')
        .values({ fingerprint: Math.random().toString(16).slice(2), status: 'firing', labels, starts_at: startsAt })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  const diagnose = async (alertId: string) => {
    const response = await request(assistant.app).post('/diagnostics/alert').set('Authorization', assistant.bearer).send({ alertId });
    expect(response.status).toBe(202);
    return response.body.id as string;
  };

  const analysisOf = (taskId: string) => assistant.database.db.selectFrom('ai_analyses').selectAll().where('task_id', '=', taskId).execute();

  it('names the dependency whose metric broke, with the exact query and both windows', async () => {
    const taskId = await diagnose(await insertAlert({ alertname: 'HighLatency', instance: 'web-1:9100', severity: 'critical' }));
    const task = await waitForEnd(assistant.database.db, taskId);
    expect(task).toMatchObject({ status: 'succeeded', attempts: 1, error: null });

    const [analysis, ...others] = await analysisOf(taskId);
    expect(others).toEqual([]);
    expect(analysis).toMatchObject({ status: 'completed', engine: 'deterministic-v2', verdict: 'likely_cause', kind: 'alert-diagnosis', error: null });
    expect(analysis!.summary).toMatch(/^HighLatency: most likely db-1 \(traffic, confidence 0\.\d+\): pg_stat_activity_count on db-1 rose from a median of 2[01] to a peak of 40[01] /);
    // db-1's replication lag began four minutes ago: counted, not judged.
    expect(analysis!.summary).toMatch(/2 entities examined, \d+ series compared, 1 with too little history\.$/);

    const [top] = analysis!.hypotheses;
    expect(top).toMatchObject({ rank: 1, entity: 'db-1', deviceId: inventory[1]!.id, metric: 'pg_stat_activity_count', direction: 'up', kind: 'traffic' });
    expect(top!.confidence).toBeGreaterThan(analysis!.hypotheses[1]!.confidence!);
    // The exact series, so that a person can paste it into Grafana and see the same curve.
    expect(top!.evidence.query).toBe('{__name__="pg_stat_activity_count", device="db-1", job="postgres"}');
    expect(top!.evidence.series).toMatchObject({ __name__: 'pg_stat_activity_count', device: 'db-1' });
    expect(top!.evidence.baseline.median).toBeCloseTo(20, 0);
    expect(top!.evidence.anomaly.max).toBeGreaterThanOrEqual(400);
    expect(new Date(top!.evidence.anomaly.start).getTime()).toBe(alertStart.getTime() - 120_000);
    expect(new Date(top!.onset!).getTime()).toBeGreaterThanOrEqual(alertStart.getTime() - 60_000);
    // web-1's latency rose too, but the dependency that changed explains it: web-1 comes second.
    expect(analysis!.hypotheses.map((hypothesis) => [hypothesis.entity, hypothesis.kind])).toEqual([
      ['db-1', 'traffic'],
      ['web-1', 'latency'],
    ]);

    expect(analysis!.evidence).toEqual([
      {
        source: 'control-plane',
        description: 'device inventory and dependencies',
        query: 'GET /api/v1/devices',
        status: 'ok',
        detail: 'matched web-1; 2 devices examined with their dependencies (2 device requests)',
      },
      { source: 'victoriametrics', description: 'levels of web-1', query: '{instance=~"web-1:9100", __name__!~".*(_total|_bucket|_created)"}', status: 'ok', detail: '2 series' },
      {
        source: 'victoriametrics',
        description: 'counter rates of web-1',
        query: 'rate({instance=~"web-1:9100", __name__=~".*(_total|_sum|_count)"}[1m]) keep_metric_names',
        status: 'ok',
        detail: '1 series',
      },
      { source: 'victoriametrics', description: 'levels of db-1', query: '{device=~"db-1", __name__!~".*(_total|_bucket|_created)"}', status: 'ok', detail: '3 series' },
      // pg_stat_activity_count matches the counter pattern; it goes down, so it is examined as a level.
      { source: 'victoriametrics', description: 'counter rates of db-1', query: expect.stringMatching(/^rate\(\{device=~"db-1"/), status: 'ok', detail: '1 series' },
    ]);
    const audit = await assistant.database.db.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', taskId).orderBy('id').execute();
    expect(audit.map((entry) => entry.action)).toEqual(['diagnosis.requested', 'diagnosis.completed']);
    expect(await jobsOfTask(assistant.database.db, taskId)).toEqual([{ name: 'diagnosis', state: 'completed' }]);
  });

  it('runs a task once: a second delivery of a finished task changes nothing', async () => {
    const taskId = await diagnose(await insertAlert({ alertname: 'HighLatency', instance: 'web-1:9100' }));
    await waitForEnd(assistant.database.db, taskId);
    const before = await analysisOf(taskId);
    await worker.run(taskId, AbortSignal.timeout(5_000), new Date(Date.now() + 5_000));
    expect(await analysisOf(taskId)).toEqual(before);
    const task = await assistant.database.db.selectFrom('diagnosis_tasks').select(['status', 'attempts']).where('id', '=', taskId).executeTakeFirstOrThrow();
    expect(task).toEqual({ status: 'succeeded', attempts: 1 });
  });

  it('says the metrics are too new to judge, rather than that nothing changed', async () => {
    const taskId = await diagnose(await insertAlert({ alertname: 'HighLoad', instance: 'fresh-1:9100' }));
    await waitForEnd(assistant.database.db, taskId);
    const [analysis] = await analysisOf(taskId);
    expect(analysis).toMatchObject({ status: 'completed', verdict: 'inconclusive', hypotheses: [] });
    expect(analysis!.summary).toBe(
      'HighLoad: inconclusive — too little history to judge: 1 series found, none with the 10 minutes of data in the 3 hours before the alert needed to tell a change from normal (1 entity examined; new metrics, or a gap in collection).',
    );
  });

  it('says the series stopped reporting, rather than that nothing changed, when a host fell silent', async () => {
    const taskId = await diagnose(await insertAlert({ alertname: 'HostDown', instance: 'gone-1:9100' }));
    await waitForEnd(assistant.database.db, taskId);
    const [analysis] = await analysisOf(taskId);
    expect(analysis).toMatchObject({ status: 'completed', verdict: 'inconclusive', hypotheses: [] });
    expect(analysis!.summary).toBe('HostDown: inconclusive — 1 series stopped reporting around the alert and none could be compared (1 entity examined): is the exporter or the host down?');
  });

  it('does not blame what changed only after the alert, and says how many such series it set aside', async () => {
    const taskId = await diagnose(await insertAlert({ alertname: 'SlowRequests', instance: 'restarted-1:9100' }, restartedAlertStart));
    await waitForEnd(assistant.database.db, taskId);
    const [analysis] = await analysisOf(taskId);
    expect(analysis).toMatchObject({ verdict: 'likely_cause' });
    expect(analysis!.hypotheses[0]).toMatchObject({ entity: 'instance=restarted-1:9100', metric: 'http_request_duration_seconds' });
    expect(analysis!.hypotheses[0]!.signals!.map((signal) => signal.metric)).not.toContain('node_load1');
    expect(analysis!.summary).toMatch(/1 entity examined, 2 series compared, 1 changed only after the alert and not counted as causes\.$/);
  });

  it('judges from when the symptom began when the alert came later, and says so', async () => {
    const taskId = await diagnose(await insertAlert({ alertname: 'SlowRequests', instance: 'late-1:9100' }));
    await waitForEnd(assistant.database.db, taskId);
    const [analysis] = await analysisOf(taskId);
    expect(analysis!.summary).toMatch(/ http_request_duration_seconds on instance=late-1:9100 was already off normal from \d\d:\d\d UTC, 1[12] min before the alert; the analysis starts there\.$/);
    const [first] = analysis!.hypotheses;
    expect(first).toMatchObject({ entity: 'instance=late-1:9100' });
    // The change is dated when it began, not when the alert fired.
    expect(alertStart.getTime() - Date.parse(first!.onset!)).toBeGreaterThanOrEqual(11 * 60_000);
    expect(first!.evidence!.anomaly!.start).toBe(new Date(Date.parse(first!.onset!) - 2 * 60_000).toISOString());
  });

  it('examines at most the configured number of devices and says where it stopped', async () => {
    const collector = createEvidenceCollector({
      metrics: createVictoriaMetricsClient({ url: victoriaMetrics.url }),
      inventory: createControlPlaneClient(controlPlaneClientOptions(assistant.issuer.issuer, controlPlane.url)),
      maxEntities: 1,
    });
    const windows = analysisWindows(alertStart, new Date());
    const { entities, records } = await collector.collect({ alertname: 'HighLatency', instance: 'web-1:9100' }, windows, AbortSignal.timeout(10_000));
    expect(entities.map((entity) => entity.name)).toEqual(['web-1']);
    expect(records[0]).toMatchObject({ source: 'control-plane', status: 'ok', detail: 'matched web-1; 1 device examined with their dependencies (1 device request), stopped at 1' });
  });

  it('uses the alert labels alone, as partial, when the inventory cannot be reached', async () => {
    const offline = createTaskWorker({
      db: assistant.database.db,
      diagnoser: createAlertDiagnoser({
        collector: createEvidenceCollector({
          metrics: createVictoriaMetricsClient({ url: victoriaMetrics.url }),
          inventory: createControlPlaneClient(controlPlaneClientOptions(assistant.issuer.issuer, 'http://127.0.0.1:9')),
        }),
      }),
      log,
    });
    const alertId = await insertAlert({ alertname: 'DatabaseSaturated', device: 'db-1' });
    const taskId = (await assistant.database.db.insertInto('diagnosis_tasks').values({ kind: 'alert', alert_id: alertId, request: { alertId }, requested_by: 'test' }).returning('id').executeTakeFirstOrThrow()).id;
    await offline.run(taskId, AbortSignal.timeout(10_000), new Date(Date.now() + 10_000));

    const [analysis] = await analysisOf(taskId);
    expect(analysis!.status).toBe('partial');
    expect(analysis!.hypotheses[0]).toMatchObject({ entity: 'device=db-1', deviceId: null, metric: 'pg_stat_activity_count' });
    expect(analysis!.evidence[0]).toMatchObject({ source: 'control-plane', status: 'missing', detail: expect.stringContaining('could not be reached') });
    expect(analysis!.summary).toContain('Evidence missing: device inventory and dependencies (the control plane at http://127.0.0.1:9 could not be reached');
  });

  it('records a task as failed, with the reason, when every attempt threw', async () => {
    const failing = await startTestQueue(assistant.database.url, { retryLimit: 0 });
    try {
      await failing.work({ run: () => Promise.reject(new Error('the database went away')), fail: (taskId, reason) => worker.fail(taskId, reason) });
      // This test's queue and the suite's share the database; only this one may take the job.
      await assistant.taskQueue.stop();
      const alertId = await insertAlert({ alertname: 'HighLatency', instance: 'web-1:9100' });
      const taskId = (
        await assistant.database.db.transaction().execute(async (trx) => {
          const task = await trx.insertInto('diagnosis_tasks').values({ kind: 'alert', alert_id: alertId, request: { alertId }, requested_by: 'test' }).returning('id').executeTakeFirstOrThrow();
          await failing.enqueue(task.id, trx);
          return task;
        })
      ).id;
      const task = await waitForEnd(assistant.database.db, taskId);
      expect(task).toMatchObject({ status: 'failed', error: 'gave up after 1 attempts: the database went away' });
      const [analysis] = await analysisOf(taskId);
      expect(analysis).toMatchObject({ status: 'failed', error: 'gave up after 1 attempts: the database went away', hypotheses: [] });
    } finally {
      await failing.stop();
    }
  });
});

describe('diagnosing while VictoriaMetrics is down', () => {
  let assistant: AssistantWithBearer;
  let queue: TaskQueue;

  beforeAll(async () => {
    assistant = await startAssistant({ scope: 'assistant.diagnose' });
    queue = assistant.taskQueue;
  });
  afterAll(() => assistant?.close());

  it('completes as partial and says which evidence is missing, without hanging', async () => {
    const stopped = await startVictoriaMetrics();
    const url = stopped.url;
    await stopped.stop();
    const worker = createTaskWorker({
      db: assistant.database.db,
      diagnoser: createAlertDiagnoser({ collector: createEvidenceCollector({ metrics: createVictoriaMetricsClient({ url, timeoutMs: 2_000 }), inventory: undefined }) }),
      log,
    });
    await queue.work(worker);
    const alert = await assistant.database.db
      .insertInto('alerts')
      .values({ fingerprint: 'vm-down', status: 'firing', labels: { alertname: 'HostDown', instance: 'db-2:9100' }, starts_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const response = await request(assistant.app).post('/diagnostics/alert').set('Authorization', assistant.bearer).send({ alertId: alert.id });
    const started = Date.now();
    const task = await waitForEnd(assistant.database.db, response.body.id);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(task.status).toBe('partial');

    const analysis = await assistant.database.db.selectFrom('ai_analyses').selectAll().where('task_id', '=', task.id).executeTakeFirstOrThrow();
    expect(analysis.status).toBe('partial');
    expect(analysis.hypotheses).toEqual([]);
    const missing = analysis.evidence.filter((record) => record.status === 'missing');
    expect(missing.map((record) => record.description)).toEqual(['device inventory and dependencies', 'levels of instance=db-2:9100', 'counter rates of instance=db-2:9100']);
    expect(missing[1]!.detail).toMatch(/^VictoriaMetrics at 127\.0\.0\.1:\d+ could not be reached/);
    expect(analysis.summary).toContain('Evidence missing: ');
  });
});
