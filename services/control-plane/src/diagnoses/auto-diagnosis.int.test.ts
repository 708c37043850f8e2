import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firing, resolved, webhookBody, type PayloadAlert } from '../../test/alertmanager-payloads';
import { startControlPlaneWithAssistant, type AssistantDouble } from '../../test/assistant-double';
import type { ControlPlaneUnderTest } from '../../test/harness';

/** Sends one Alertmanager notification to the control plane's intake; the answer must be 200. */
async function ingest(controlPlane: ControlPlaneUnderTest, alerts: PayloadAlert[]) {
  const response = await fetch(`${controlPlane.url}/api/v1/alerts/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${controlPlane.webhookToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(webhookBody(alerts)),
  });
  expect(response.status).toBe(200);
}

const alertIdOf = async (controlPlane: ControlPlaneUnderTest, fingerprint: string, startsAt: string) =>
  (
    await controlPlane.database.db
      .selectFrom('alerts')
      .select('id')
      .where('fingerprint', '=', fingerprint)
      .where('starts_at', '=', new Date(startsAt))
      .executeTakeFirstOrThrow()
  ).id;

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000) {
  for (let waited = 0; !(await condition()); waited += 20) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('automatic diagnosis of new critical alerts', () => {
  let controlPlane: ControlPlaneUnderTest;
  let assistant: AssistantDouble;
  let sentinels = 0;

  const requestsFor = (alertId: string) => assistant.received.filter((request) => request.alertId === alertId);
  const send = (alerts: PayloadAlert[]) => ingest(controlPlane, alerts);
  const idOf = (fingerprint: string, startsAt: string) => alertIdOf(controlPlane, fingerprint, startsAt);
  /**
   * Observes "no request" without a bare sleep: background requests start when their
   * notification commits, so once the sentinel (a critical alert sent later, through the same
   * path) has reached the assistant, requests of earlier notifications would have reached it
   * too, unless one stalled for longer than a whole intake round trip.
   */
  const settle = async () => {
    sentinels += 1;
    const startsAt = new Date(Date.UTC(2026, 10, 22, 12, sentinels)).toISOString();
    await send([firing(`5e${sentinels.toString(16)}`, startsAt, { alertname: 'Sentinel' })]);
    const sentinelId = await idOf(`5e${sentinels.toString(16)}`, startsAt);
    await waitFor(() => requestsFor(sentinelId).length === 1, 'the sentinel alert to be diagnosed');
  };
  const autoAudits = (action: string, alertId: string) =>
    controlPlane.database.db.selectFrom('audit_log').select(['actor', 'actor_type', 'details']).where('action', '=', action).where('target_id', '=', alertId).execute();

  beforeAll(async () => {
    ({ controlPlane, assistant } = await startControlPlaneWithAssistant());
  });
  afterAll(async () => {
    await assistant?.close();
    await controlPlane?.close();
  });

  it('requests exactly one diagnosis for a new critical occurrence, without delaying the answer to Alertmanager', async () => {
    const release = assistant.hold();
    try {
      await send([firing('a1', '2026-11-22T01:00:00Z', { severity: 'critical' })]);
      const alertId = await idOf('a1', '2026-11-22T01:00:00Z');
      // Alertmanager has its 200 while the assistant still holds the request: nothing waited for it.
      await waitFor(() => requestsFor(alertId).length === 1, 'the automatic request');
      expect(await controlPlane.database.db.selectFrom('diagnosis_tasks').select('id').where('alert_id', '=', alertId).execute()).toEqual([]);
      release();
      await waitFor(async () => (await autoAudits('diagnosis.auto_requested', alertId)).length === 1, 'the audit entry');
      expect(requestsFor(alertId)).toEqual([{ alertId, requestedBy: undefined, clientId: 'control-plane', scopes: expect.arrayContaining(['assistant.diagnose']) }]);
      const [task] = await controlPlane.database.db.selectFrom('diagnosis_tasks').select(['id', 'requested_by']).where('alert_id', '=', alertId).execute();
      expect(task?.requested_by).toBe('control-plane');
      expect(await autoAudits('diagnosis.auto_requested', alertId)).toEqual([
        { actor: 'auto-diagnosis', actor_type: 'system', details: { taskId: task!.id, requestedBy: null } },
      ]);
    } finally {
      release();
    }
  });

  it('matches the severity label case-insensitively and also diagnoses "page"', async () => {
    await send([firing('b1', '2026-11-22T01:00:00Z', { severity: 'CRITICAL' }), firing('b2', '2026-11-22T01:00:00Z', { severity: 'Page' })]);
    const ids = [await idOf('b1', '2026-11-22T01:00:00Z'), await idOf('b2', '2026-11-22T01:00:00Z')];
    await waitFor(() => ids.every((id) => requestsFor(id).length === 1), 'both alerts to be diagnosed');
  });

  it('does not ask again for a repeated notification, even after the first diagnosis finished', async () => {
    const alert = firing('c1', '2026-11-22T01:00:00Z');
    await send([alert]);
    const alertId = await idOf('c1', '2026-11-22T01:00:00Z');
    await waitFor(() => requestsFor(alertId).length === 1, 'the first request');
    // Finished, so nothing "already running" could hide a second request.
    await waitFor(async () => (await autoAudits('diagnosis.auto_requested', alertId)).length === 1, 'the audit entry');
    await controlPlane.database.db.updateTable('diagnosis_tasks').set({ status: 'succeeded', completed_at: new Date() }).where('alert_id', '=', alertId).execute();

    await send([alert]); // identical: unchanged
    await send([{ ...alert, annotations: { summary: 'CPU above 95 % for 5 minutes' } }]); // changed: updated, still not new
    await settle();
    expect(requestsFor(alertId)).toHaveLength(1);
  });

  it('asks once when the same new notification arrives twice at the same moment', async () => {
    const body = [firing('d1', '2026-11-22T01:00:00Z'), firing('d2', '2026-11-22T01:00:00Z', { instance: 'web-2:9100' })];
    await Promise.all([send(body), send(body), send(body)]);
    const ids = [await idOf('d1', '2026-11-22T01:00:00Z'), await idOf('d2', '2026-11-22T01:00:00Z')];
    await settle();
    expect(ids.map((id) => requestsFor(id).length)).toEqual([1, 1]);
    expect(await controlPlane.database.db.selectFrom('diagnosis_tasks').select('id').where('alert_id', 'in', ids).execute()).toHaveLength(2);
  });

  it('leaves warnings, resolutions and late retries alone', async () => {
    const warning = firing('e1', '2026-11-22T01:00:00Z', { severity: 'warning' });
    const unlabelled = { ...firing('e2', '2026-11-22T01:00:00Z'), labels: { alertname: 'NoSeverity', instance: 'web-1:9100' } };
    const resolvedUnseen = resolved(firing('e3', '2026-11-22T01:00:00Z'), '2026-11-22T01:05:00Z');
    await send([warning, unlabelled, resolvedUnseen]);
    // A critical alert whose "resolved" arrives first, then Alertmanager's late "firing" retry.
    const late = firing('e4', '2026-11-22T01:00:00Z');
    await send([resolved(late, '2026-11-22T01:05:00Z')]);
    await send([late]);
    await settle();
    for (const fingerprint of ['e1', 'e2', 'e3', 'e4']) expect(requestsFor(await idOf(fingerprint, '2026-11-22T01:00:00Z'))).toEqual([]);
  });

  it('treats a re-fire after resolution as a new occurrence, diagnosed again', async () => {
    const first = firing('f1', '2026-11-22T01:00:00Z');
    await send([first]);
    await send([resolved(first, '2026-11-22T01:05:00Z')]);
    await send([firing('f1', '2026-11-22T02:00:00Z')]);
    const ids = [await idOf('f1', '2026-11-22T01:00:00Z'), await idOf('f1', '2026-11-22T02:00:00Z')];
    await waitFor(() => ids.every((id) => requestsFor(id).length === 1), 'both occurrences to be diagnosed');
  });

  it('audits a failed automatic request and still answers Alertmanager 200', async () => {
    await assistant.behave('down');
    try {
      await send([firing('ab1', '2026-11-22T01:00:00Z')]);
      const alertId = await idOf('ab1', '2026-11-22T01:00:00Z');
      await waitFor(async () => (await autoAudits('diagnosis.auto_request_failed', alertId)).length === 1, 'the failure audit entry');
      expect(await autoAudits('diagnosis.auto_request_failed', alertId)).toEqual([
        { actor: 'auto-diagnosis', actor_type: 'system', details: { kind: 'unreachable', retryable: true, message: `the assistant at ${assistant.url} is unreachable` } },
      ]);
      expect(await controlPlane.database.db.selectFrom('diagnosis_tasks').select('id').where('alert_id', '=', alertId).execute()).toEqual([]);
    } finally {
      await assistant.behave('accepting');
    }
  });
});

describe('automatic diagnosis turned off', () => {
  it('requests nothing when AUTO_DIAGNOSE_SEVERITIES is empty, while the Diagnose button still works', async () => {
    const { controlPlane, assistant } = await startControlPlaneWithAssistant({ AUTO_DIAGNOSE_SEVERITIES: '' });
    try {
      await ingest(controlPlane, [firing('a1', '2026-11-22T01:00:00Z', { severity: 'critical' })]);
      await ingest(controlPlane, [firing('b1', '2026-11-22T01:00:00Z', { severity: 'critical' })]);
      const clickedId = await alertIdOf(controlPlane, 'b1', '2026-11-22T01:00:00Z');
      // The click on b1 is the sentinel here: an automatic request for a1 or b1 would have started before it.
      const operator = await controlPlane.sessionFor(['operator']);
      const clicked = await fetch(`${controlPlane.url}/alerts/${clickedId}/diagnose`, {
        method: 'POST',
        headers: { cookie: operator.cookie, 'x-csrf-token': operator.csrfToken, 'hx-request-type': 'partial' },
      });
      expect(clicked.status).toBe(200);
      expect(assistant.received).toEqual([
        { alertId: clickedId, requestedBy: 'Test operator', clientId: 'control-plane', scopes: expect.arrayContaining(['assistant.diagnose']) },
      ]);
    } finally {
      await assistant.close();
      await controlPlane.close();
    }
  });
});
