import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisHypothesis, AnalysisStatus, EvidenceRecord, TaskStatus } from '@sre/db';
import { firing, webhookBody } from '../../test/alertmanager-payloads';
import { startControlPlaneWithAssistant, type AssistantDouble } from '../../test/assistant-double';
import type { ControlPlaneUnderTest } from '../../test/harness';
import { diagnosisPanelId } from './diagnoses.views';

type Session = { cookie: string; csrfToken: string; userId: string };

const statistics = (start: string, end: string, mean: number, stddev: number, min: number, max: number, samples: number) => ({ start, end, mean, stddev, min, max, samples });
const cpuQuery = 'avg by (instance) (rate(node_cpu_seconds_total{mode!="idle",instance="web-1:9100"}[5m]))';

const hypotheses = (deviceId: string): AnalysisHypothesis[] => [
  {
    rank: 2,
    entity: 'instance=db-9:9100',
    deviceId: null,
    metric: 'node_load1',
    direction: 'down',
    score: 3,
    statement: 'node_load1 on db-9 fell from 4 to 1',
    evidence: {
      query: 'node_load1{instance="db-9:9100"}',
      series: { instance: 'db-9:9100' },
      baseline: statistics('2026-11-22T00:00:00Z', '2026-11-22T00:50:00Z', 4, 0.5, 3.1, 5, 50),
      anomaly: statistics('2026-11-22T00:50:00Z', '2026-11-22T01:00:00Z', 1, 0.2, 0.8, 1.4, 10),
    },
  },
  {
    rank: 1,
    entity: 'web-1',
    deviceId,
    metric: 'node_cpu_seconds_total',
    direction: 'up',
    score: 12,
    statement: 'CPU on web-1 rose from 0.12 to 0.97 <img src=x onerror=alert(1)>',
    evidence: {
      query: cpuQuery,
      series: { instance: 'web-1:9100' },
      baseline: statistics('2026-11-22T00:00:00Z', '2026-11-22T00:50:00Z', 0.1234567, 0.0456, 0.05, 0.2, 600),
      anomaly: statistics('2026-11-22T00:50:00Z', '2026-11-22T01:00:00Z', 0.97, 0.01, 0.95, 0.99, 120),
    },
  },
];

const evidence: EvidenceRecord[] = [
  { source: 'victoriametrics', description: 'CPU of web-1', query: cpuQuery, status: 'ok', detail: null },
  { source: 'victoriametrics', description: 'Disk latency of web-1', query: 'rate(node_disk_io_time_seconds_total[5m])', status: 'missing', detail: 'VictoriaMetrics did not answer within 10 s' },
  { source: 'control-plane', description: 'Device inventory', query: '/api/v1/devices', status: 'missing', detail: 'the control plane refused the token (401)' },
];

describe('diagnosing an alert by hand', () => {
  let controlPlane: ControlPlaneUnderTest;
  let assistant: AssistantDouble;
  let viewer: Session;
  let operator: Session;
  let deviceId: string;

  const db = () => controlPlane.database.db;
  const ingest = async (...alerts: ReturnType<typeof firing>[]) => {
    const response = await fetch(`${controlPlane.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${controlPlane.webhookToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(webhookBody(alerts)),
    });
    expect(response.status).toBe(200);
  };
  // Warning severity: the automatic policy (critical, page) stays out of these tests.
  const newAlert = async (fingerprint: string) => {
    await ingest(firing(fingerprint, '2026-11-22T01:00:00Z', { severity: 'warning' }));
    return (await db().selectFrom('alerts').select('id').where('fingerprint', '=', fingerprint).executeTakeFirstOrThrow()).id;
  };
  const diagnose = async (alertId: string, who: Session, options: { csrf?: boolean; fragment?: boolean } = {}) => {
    const headers: Record<string, string> = { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' };
    if (options.csrf !== false) headers['x-csrf-token'] = who.csrfToken;
    if (options.fragment !== false) headers['hx-request-type'] = 'partial';
    const response = await fetch(`${controlPlane.url}/alerts/${alertId}/diagnose`, { method: 'POST', headers, body: '', redirect: 'manual' });
    return { status: response.status, html: await response.text(), location: response.headers.get('location') };
  };
  const panel = async (alertId: string, who: Session = viewer) => {
    const response = await fetch(`${controlPlane.url}/alerts/${alertId}/diagnosis`, { headers: { cookie: who.cookie, 'hx-request-type': 'partial' } });
    return { status: response.status, html: await response.text() };
  };
  const tasksOf = (alertId: string) => db().selectFrom('diagnosis_tasks').selectAll().where('alert_id', '=', alertId).orderBy('created_at').execute();
  const audits = (action: string, alertId: string) =>
    db().selectFrom('audit_log').select(['actor', 'actor_type', 'details']).where('action', '=', action).where('target_id', '=', alertId).orderBy('id').execute();
  // What the assistant's worker does when it finishes: the task's outcome, then its one analysis row.
  const finish = async (
    taskId: string,
    outcome: { task: TaskStatus; analysis?: AnalysisStatus; summary?: string; error?: string; hypotheses?: unknown; evidence?: unknown },
  ) => {
    const task = await db()
      .updateTable('diagnosis_tasks')
      .set({ status: outcome.task, started_at: new Date(Date.now() - 14_000), completed_at: new Date(), error: outcome.error ?? null })
      .where('id', '=', taskId)
      .returning('alert_id')
      .executeTakeFirstOrThrow();
    if (!outcome.analysis) return;
    await db()
      .insertInto('ai_analyses')
      .values({
        task_id: taskId,
        alert_id: task.alert_id,
        kind: 'alert',
        status: outcome.analysis,
        summary: outcome.summary ?? null,
        hypotheses: JSON.stringify(outcome.hypotheses ?? []),
        evidence: JSON.stringify(outcome.evidence ?? []),
        engine: 'statistical',
        completed_at: new Date(),
        error: outcome.error ?? null,
      })
      .execute();
  };
  const testIds = (html: string, id: string) => html.split(`data-testid="${id}"`).length - 1;
  const unescape = (html: string) => html.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

  beforeAll(async () => {
    ({ controlPlane, assistant } = await startControlPlaneWithAssistant());
    viewer = await controlPlane.sessionFor(['viewer']);
    operator = await controlPlane.sessionFor(['operator']);
    await db().updateTable('users').set({ email: 'olga@example.com' }).where('id', '=', operator.userId).execute();
    deviceId = (await db().insertInto('devices').values({ name: 'web-1', kind: 'host', labels: {} }).returning('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await assistant?.close();
    await controlPlane?.close();
  });

  it('requests a diagnosis once, shows it queued and polling, then shows the analysis escaped', async () => {
    const alertId = await newAlert('a1');
    const before = await panel(alertId);
    expect(before.html).toContain('No diagnosis yet.');

    const clicked = await diagnose(alertId, operator);
    expect(clicked.status).toBe(200);
    expect(clicked.html.startsWith(`<section id="${diagnosisPanelId}"`)).toBe(true);
    expect(clicked.html).toContain('data-status="queued"');
    expect(clicked.html).toContain(`hx-get="/alerts/${alertId}/diagnosis"`);
    expect(clicked.html).toContain('hx-trigger="load delay:1s"');
    expect(clicked.html).toContain('hx-swap="outerHTML"');
    expect(clicked.html).toMatch(/Waiting for the assistant for \d+ s\./);
    expect(testIds(clicked.html, 'diagnose-button')).toBe(0);
    expect(assistant.received).toEqual([
      { alertId, requestedBy: 'olga@example.com', clientId: 'control-plane', scopes: expect.arrayContaining(['assistant.diagnose']) },
    ]);
    const [task] = await tasksOf(alertId);
    expect(task).toMatchObject({ status: 'queued', requested_by: 'olga@example.com', kind: 'alert' });
    expect(await audits('diagnosis.requested', alertId)).toEqual([
      { actor: operator.userId, actor_type: 'user', details: { taskId: task!.id, requestedBy: 'olga@example.com' } },
    ]);

    // A second click while it is queued shows the same task instead of asking again.
    const again = await diagnose(alertId, operator);
    expect(again.status).toBe(200);
    expect(again.html).toContain('data-status="queued"');
    expect(assistant.received).toHaveLength(1);
    expect(await tasksOf(alertId)).toHaveLength(1);

    await db().updateTable('diagnosis_tasks').set({ status: 'running', started_at: new Date(Date.now() - 3_000) }).where('id', '=', task!.id).execute();
    const running = await panel(alertId);
    expect(running.html).toContain('data-status="running"');
    expect(running.html).toMatch(/Running for [3-9] s/);
    expect(running.html).toContain('hx-trigger="load delay:1s"');

    await finish(task!.id, {
      task: 'succeeded',
      analysis: 'completed',
      summary: 'Most likely cause: CPU saturation on web-1 <script>alert(1)</script>',
      hypotheses: hypotheses(deviceId),
      evidence: [evidence[0]],
    });
    const done = await panel(alertId);
    expect(done.status).toBe(200);
    expect(done.html).toContain('data-status="succeeded"');
    expect(done.html).not.toContain('hx-trigger'); // finished: the panel stops polling
    expect(done.html).not.toContain('<script>');
    expect(done.html).toContain('CPU saturation on web-1 &lt;script>alert(1)&lt;/script>');
    expect(done.html).not.toContain('<img src=x');
    expect(done.html).toContain('0.97 &lt;img src=x onerror=alert(1)>');

    const listed = [...done.html.matchAll(/data-testid="hypothesis">(.*?)<\/li>/gs)].map((match) => match[1]!);
    expect(listed).toHaveLength(2);
    expect(listed[0]).toContain('#1');
    expect(listed[0]).toContain(`<a class="font-medium text-sky-700 hover:underline" href="/devices/${deviceId}">web-1</a>`);
    expect(listed[0]).toContain('node_cpu_seconds_total');
    expect(listed[0]).toContain('↑ up');
    expect(listed[0]).toContain('score 12');
    expect(listed[1]).toContain('#2');
    expect(listed[1]).not.toContain('href="/devices/');
    expect(listed[1]).toContain('↓ down');

    const queries = [...done.html.matchAll(/<code class="select-all" data-testid="evidence-query">(.*?)<\/code>/g)].map((match) => unescape(match[1]!));
    expect(queries).toEqual([cpuQuery, 'node_load1{instance="db-9:9100"}']);
    const windows = [...listed[0]!.matchAll(/<tr class="border-t border-slate-100" data-window="(\w+)">(.*?)<\/tr>/gs)].map(([, label, cells]) => [
      label,
      [...cells!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((cell) => cell[1]).slice(1),
    ]);
    expect(windows).toEqual([
      ['baseline', ['0.1235', '0.05', '0.2', '0.0456', '600']],
      ['anomaly', ['0.97', '0.95', '0.99', '0.01', '120']],
    ]);
    expect(listed[0]).toContain('<time datetime="2026-11-22T00:50:00.000Z">2026-11-22 00:50:00 UTC</time>');
    expect(testIds(done.html, 'diagnose-button')).toBe(0); // the viewer sees no button
    expect((await panel(alertId, operator)).html).toContain('Diagnose again');
  });

  it('shows the missing evidence of a partial diagnosis, the error of a failed one, and lists earlier ones', async () => {
    const alertId = await newAlert('b2');
    await diagnose(alertId, operator);
    const [first] = await tasksOf(alertId);
    await finish(first!.id, { task: 'partial', analysis: 'partial', summary: 'Only CPU could be checked.', hypotheses: [], evidence });

    const partial = await panel(alertId);
    expect(partial.html).toContain('data-status="partial"');
    const banner = partial.html.match(/data-testid="missing-evidence">(.*?)<\/div>/s)?.[1] ?? '';
    expect(banner).toContain('Partial diagnosis: some evidence could not be gathered');
    expect(banner).toContain('Disk latency of web-1: <span class="font-medium">VictoriaMetrics did not answer within 10 s</span>');
    expect(banner).toContain('Device inventory: <span class="font-medium">the control plane refused the token (401)</span>');
    expect(banner).not.toContain('CPU of web-1'); // gathered fine: not missing

    const clicked = await diagnose(alertId, operator);
    expect(clicked.html).toContain('data-status="queued"');
    const [, second] = await tasksOf(alertId);
    await finish(second!.id, { task: 'failed', analysis: 'failed', error: 'VictoriaMetrics answered 503 <b>three times</b>' });

    const failed = await panel(alertId);
    expect(failed.html).toContain('data-status="failed"');
    expect(failed.html.match(/data-testid="diagnosis-error">(.*?)<\/div><\/div>/s)?.[1]).toContain('VictoriaMetrics answered 503 &lt;b>three times&lt;/b>');
    const earlier = failed.html.match(/data-testid="earlier-diagnoses">(.*?)<\/ul>/s)?.[1] ?? '';
    expect(earlier.match(/<li>/g)).toHaveLength(1);
    expect(earlier).toContain('partial');
    expect(assistant.received.filter((request) => request.alertId === alertId)).toHaveLength(2);
  });

  it('degrades visibly when the stored analysis does not match the shape it should have', async () => {
    const alertId = await newAlert('c3');
    await diagnose(alertId, operator);
    const [task] = await tasksOf(alertId);
    const broken = hypotheses(deviceId).map((hypothesis) => ({ ...hypothesis, score: 'very high' }));
    await finish(task!.id, { task: 'succeeded', analysis: 'completed', summary: 'A summary still worth reading.', hypotheses: broken, evidence });

    const { status, html } = await panel(alertId);
    expect(status).toBe(200);
    expect(html).toContain('A summary still worth reading.');
    expect(html.match(/data-testid="diagnosis-unreadable">(.*?)<\/div><\/div>/s)?.[1]).toContain('hypotheses.0.score');
    expect(testIds(html, 'hypothesis')).toBe(0);
  });

  it('lets two simultaneous clicks start one diagnosis', async () => {
    const alertId = await newAlert('d4');
    const release = assistant.hold();
    const clicks = Promise.all([diagnose(alertId, operator), diagnose(alertId, operator)]);
    // While the assistant holds the first request, give the second click every chance to reach it.
    await waitFor(() => assistant.received.some((request) => request.alertId === alertId));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    const answers = await clicks;
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(assistant.received.filter((request) => request.alertId === alertId)).toHaveLength(1);
    expect(await tasksOf(alertId)).toHaveLength(1);
  });

  it('refuses viewers and requests without the CSRF token, asking nothing', async () => {
    const alertId = await newAlert('e5');
    const asViewer = await diagnose(alertId, viewer);
    expect(asViewer.status).toBe(403);
    const withoutToken = await diagnose(alertId, operator, { csrf: false });
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.html).toContain('did not come from this site');
    expect(assistant.received.filter((request) => request.alertId === alertId)).toEqual([]);
    expect(await tasksOf(alertId)).toEqual([]);

    // Viewers see the panel on the alert page, without the button; operators get the button.
    const page = async (who: Session) => (await fetch(`${controlPlane.url}/alerts/${alertId}`, { headers: { cookie: who.cookie } })).text();
    const viewerPage = await page(viewer);
    expect(viewerPage).toContain(`<section id="${diagnosisPanelId}"`);
    expect(testIds(viewerPage, 'diagnose-button')).toBe(0);
    const operatorPage = await page(operator);
    expect(operatorPage).toContain(`hx-post="/alerts/${alertId}/diagnose"`);
    expect(operatorPage).toContain(`name="_csrf" value="${operator.csrfToken}"`);
  });

  it('says so in the panel when the assistant is down or failing, storing only the audit entry', async () => {
    const alertId = await newAlert('f6');
    await assistant.behave('down');
    try {
      const down = await diagnose(alertId, operator);
      expect(down.status).toBe(503);
      expect(down.html.startsWith(`<section id="${diagnosisPanelId}"`)).toBe(true);
      expect(down.html.match(/data-testid="diagnosis-refused">(.*?)<\/div><\/div>/s)?.[1]).toContain(`The assistant at ${assistant.url} is unreachable.`);
      expect(testIds(down.html, 'diagnose-button')).toBe(1);
    } finally {
      await assistant.behave('failing');
    }
    const failing = await diagnose(alertId, operator);
    expect(failing.status).toBe(503);
    expect(failing.html).toContain('The assistant failed (503).');
    expect(testIds(failing.html, 'diagnose-button')).toBe(1);
    await assistant.behave('accepting');

    expect(await tasksOf(alertId)).toEqual([]);
    expect(await audits('diagnosis.requested', alertId)).toEqual([]);
    expect(await audits('diagnosis.request_failed', alertId)).toEqual([
      { actor: operator.userId, actor_type: 'user', details: { kind: 'unreachable', retryable: true, message: `the assistant at ${assistant.url} is unreachable` } },
      { actor: operator.userId, actor_type: 'user', details: { kind: 'server', retryable: true, message: 'the assistant failed (503)' } },
    ]);

    // Without htmx the form post gets the error page; once the assistant is back the click works.
    await assistant.behave('failing');
    const plain = await diagnose(alertId, operator, { fragment: false });
    expect(plain.status).toBe(503);
    expect(plain.html).toContain('The diagnosis could not be started: the assistant failed (503).');
    await assistant.behave('accepting');
    const recovered = await diagnose(alertId, operator, { fragment: false });
    expect(recovered.status).toBe(303);
    expect(recovered.location).toBe(`/alerts/${alertId}`);
    expect(await tasksOf(alertId)).toHaveLength(1);
  });

  it('talks to an assistant double that refuses tokens not issued for the assistant', async () => {
    const post = (authorization?: string) =>
      fetch(`${assistant.url}/diagnostics/alert`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ alertId: '00000000-0000-4000-8000-000000000000' }),
      });
    expect((await post()).status).toBe(401);
    expect((await post('Bearer not-a-jwt')).status).toBe(401);
    expect((await post(`Bearer ${await controlPlane.serviceToken()}`)).status).toBe(401); // audience: the control plane
  });

  it('answers 404 for an unknown alert', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await panel(unknown)).status).toBe(404);
    expect((await diagnose(unknown, operator)).status).toBe(404);
    expect(assistant.received.filter((request) => request.alertId === unknown)).toEqual([]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000) {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
