import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlaneUnderTest } from '../../test/harness';
import { firing, resolved, webhookBody } from '../../test/alertmanager-payloads';

describe('Alertmanager webhook intake', () => {
  let controlPlane: ControlPlaneUnderTest;

  const send = (body: unknown, authorization = `Bearer ${controlPlane.webhookToken}`) =>
    fetch(`${controlPlane.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const storedAlerts = () =>
    controlPlane.database.db
      .selectFrom('alerts')
      .select(['fingerprint', 'status', 'starts_at', 'ends_at', 'labels', 'annotations', 'receiver'])
      .orderBy('fingerprint')
      .orderBy('starts_at')
      .execute();
  const intakeAudits = () =>
    controlPlane.database.db.selectFrom('audit_log').select(['actor', 'actor_type', 'details']).where('action', '=', 'alerts.received').execute();

  beforeAll(async () => {
    controlPlane = await startControlPlane();
  });
  beforeEach(async () => {
    await controlPlane.database.db.deleteFrom('alerts').execute();
  });
  afterAll(async () => {
    await controlPlane.close();
  });

  it('stores a firing batch durably before answering, with one audit entry for the batch', async () => {
    const auditsBefore = (await intakeAudits()).length;
    const response = await send(webhookBody([firing('a1', '2026-11-22T03:00:00Z'), firing('b2', '2026-11-22T03:00:05Z', { instance: 'web-2:9100' })]));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 2, truncated: 0, created: 2, updated: 0, unchanged: 0 });

    const rows = await storedAlerts();
    expect(rows).toEqual([
      expect.objectContaining({ fingerprint: 'a1', status: 'firing', ends_at: null, receiver: 'sre-platform', labels: expect.objectContaining({ instance: 'web-1:9100' }) }),
      expect.objectContaining({ fingerprint: 'b2', status: 'firing', ends_at: null, labels: expect.objectContaining({ instance: 'web-2:9100' }) }),
    ]);
    expect(rows[0]!.starts_at.toISOString()).toBe('2026-11-22T03:00:00.000Z');
    const audits = await intakeAudits();
    expect(audits).toHaveLength(auditsBefore + 1);
    expect(audits.at(-1)).toEqual({ actor: 'alertmanager', actor_type: 'service', details: expect.objectContaining({ alerts: 2, created: 2 }) });
  });

  it('is idempotent: the same notification twice changes nothing', async () => {
    const body = webhookBody([firing('a1', '2026-11-22T03:00:00Z')]);
    await send(body);
    const before = await controlPlane.database.db.selectFrom('alerts').selectAll().execute();
    const again = await send(body);
    expect(await again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(await controlPlane.database.db.selectFrom('alerts').selectAll().execute()).toEqual(before);
  });

  it('closes the occurrence on "resolved", and a late "firing" retry does not reopen it', async () => {
    const alert = firing('a1', '2026-11-22T03:00:00Z');
    await send(webhookBody([alert]));
    await send(webhookBody([resolved(alert, '2026-11-22T03:10:00Z')]));
    await send(webhookBody([alert])); // Alertmanager retrying an older notification
    const [row] = await storedAlerts();
    expect(row).toMatchObject({ status: 'resolved' });
    expect(row!.ends_at?.toISOString()).toBe('2026-11-22T03:10:00.000Z');
  });

  it('treats a re-fire after resolution (a new start time) as a new occurrence', async () => {
    const first = firing('a1', '2026-11-22T03:00:00Z');
    await send(webhookBody([first]));
    await send(webhookBody([resolved(first, '2026-11-22T03:10:00Z')]));
    await send(webhookBody([firing('a1', '2026-11-22T04:00:00Z')]));
    expect((await storedAlerts()).map((row) => [row.fingerprint, row.status])).toEqual([
      ['a1', 'resolved'],
      ['a1', 'firing'],
    ]);
  });

  it('stores a resolved notification for an alert it never saw firing', async () => {
    await send(webhookBody([resolved(firing('c3', '2026-11-22T02:00:00Z'), '2026-11-22T02:05:00Z')]));
    expect(await storedAlerts()).toEqual([expect.objectContaining({ fingerprint: 'c3', status: 'resolved' })]);
  });

  it('refuses malformed bodies with problem+json naming the field, storing nothing', async () => {
    const notJson = await send('{"version":"4",');
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toContain('application/problem+json');

    const wrongVersion = await send(webhookBody([firing('a1', '2026-11-22T03:00:00Z')], { version: '3' }));
    expect(wrongVersion.status).toBe(400);
    expect((await wrongVersion.json()).errors).toContainEqual({ path: 'version', message: 'only payload version "4" is supported' });

    const badAlert = await send(webhookBody([{ ...firing('XYZ', 'yesterday') }]));
    expect(badAlert.status).toBe(400);
    const paths = ((await badAlert.json()).errors as Array<{ path: string }>).map((error) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['alerts.0.startsAt', 'alerts.0.fingerprint']));
    expect(await storedAlerts()).toEqual([]);
  });

  it('refuses oversized batches whole: too many alerts, too many labels, too large a body', async () => {
    const many = Array.from({ length: 1_001 }, (_, index) => firing(index.toString(16), '2026-11-22T03:00:00Z'));
    const tooMany = await send(webhookBody(many));
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(await tooMany.json())).toContain('at most 1000 alerts per request');

    const labels = Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`label_${index}`, 'x']));
    const tooManyLabels = await send(webhookBody([firing('a1', '2026-11-22T03:00:00Z', labels), firing('b2', '2026-11-22T03:00:00Z')]));
    expect(tooManyLabels.status).toBe(400);

    const huge = await send(webhookBody([firing('a1', '2026-11-22T03:00:00Z', { note: 'x'.repeat(3 * 1024 * 1024) })]));
    expect(huge.status).toBe(413);
    expect(await storedAlerts()).toEqual([]);
  });

  it('refuses wrong or missing credentials, and accepts Basic auth carrying the secret', async () => {
    const body = webhookBody([firing('a1', '2026-11-22T03:00:00Z')]);
    for (const authorization of ['', 'Bearer wrong-token-0123456789', `Basic ${Buffer.from('am:wrong').toString('base64')}`]) {
      const response = await send(body, authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await storedAlerts()).toEqual([]);
    const basic = await send(body, `Basic ${Buffer.from(`alertmanager:${controlPlane.webhookToken}`).toString('base64')}`);
    expect(basic.status).toBe(200);
    expect(await storedAlerts()).toHaveLength(1);
  });
});

describe('Alertmanager webhook intake without a configured secret', () => {
  it('stays closed and says which variable opens it', async () => {
    const controlPlane = await startControlPlane({ env: { ALERTMANAGER_WEBHOOK_TOKEN: '' } });
    try {
      const response = await fetch(`${controlPlane.url}/api/v1/alerts/alertmanager`, {
        method: 'POST',
        headers: { authorization: 'Bearer anything-at-all-here', 'content-type': 'application/json' },
        body: JSON.stringify(webhookBody([firing('a1', '2026-11-22T03:00:00Z')])),
      });
      expect(response.status).toBe(503);
      expect((await response.json()).detail).toContain('ALERTMANAGER_WEBHOOK_TOKEN');
      expect(await controlPlane.database.db.selectFrom('alerts').select('id').execute()).toEqual([]);
    } finally {
      await controlPlane.close();
    }
  });
});
