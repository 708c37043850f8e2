import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlaneUnderTest } from '../../test/harness';
import { firing, resolved, webhookBody, type PayloadAlert } from '../../test/alertmanager-payloads';

describe('alert pages', () => {
  let controlPlane: ControlPlaneUnderTest;
  let viewer: { cookie: string; csrfToken: string };
  let operator: { cookie: string; csrfToken: string; userId: string };

  const ingest = (alerts: PayloadAlert[]) =>
    fetch(`${controlPlane.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${controlPlane.webhookToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(webhookBody(alerts)),
    });
  const page = async (path: string, who = viewer, headers: Record<string, string> = {}) => {
    const response = await fetch(`${controlPlane.url}${path}`, { headers: { cookie: who.cookie, ...headers }, redirect: 'manual' });
    return { status: response.status, html: await response.text() };
  };
  const alertNames = (html: string) => [...html.matchAll(/href="\/alerts\/[0-9a-f-]{36}">([^<]+)</g)].map((match) => match[1] ?? '');
  const idOf = async (fingerprint: string, startsAt?: string) => {
    let query = controlPlane.database.db.selectFrom('alerts').select('id').where('fingerprint', '=', fingerprint);
    if (startsAt) query = query.where('starts_at', '=', new Date(startsAt));
    return (await query.executeTakeFirstOrThrow()).id;
  };

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    viewer = await controlPlane.sessionFor(['viewer']);
    operator = await controlPlane.sessionFor(['operator']);
    const cpu = firing('a1', '2026-11-22T01:00:00Z', { alertname: 'HostHighCpu', service: 'checkout', instance: 'web-1:9100' });
    await ingest([cpu, firing('b2', '2026-11-22T02:00:00Z', { alertname: 'DiskAlmostFull', severity: 'warning', service: 'search' })]);
    await ingest([resolved(firing('c3', '2026-11-22T03:00:00Z', { alertname: 'InstanceDown' }), '2026-11-22T03:05:00Z')]);
    await ingest([resolved(cpu, '2026-11-22T01:30:00Z')]);
    await ingest([firing('a1', '2026-11-22T04:00:00Z', { alertname: 'HostHighCpu', service: 'checkout', instance: 'web-1:9100' })]);
    await controlPlane.database.db.insertInto('devices').values({ name: 'web-1', kind: 'host', labels: {} }).execute();
  });
  afterAll(async () => {
    await controlPlane.close();
  });

  it('lists firing alerts first, newest first, then resolved ones', async () => {
    const { status, html } = await page('/alerts');
    expect(status).toBe(200);
    // firing: HostHighCpu (04:00), DiskAlmostFull (02:00); resolved: InstanceDown (03:00), HostHighCpu (01:00)
    expect(alertNames(html)).toEqual(['HostHighCpu', 'DiskAlmostFull', 'InstanceDown', 'HostHighCpu']);
  });

  it('filters by status, severity, label and name', async () => {
    expect(alertNames((await page('/alerts?status=resolved')).html)).toEqual(['InstanceDown', 'HostHighCpu']);
    expect(alertNames((await page('/alerts?severity=warning')).html)).toEqual(['DiskAlmostFull']);
    // The list shows "none" for an alert without a severity label, and the filter finds it.
    const { severity: _severity, ...withoutSeverity } = firing('f0', '2026-11-22T00:30:00Z', { alertname: 'NoSeverityGiven' }).labels;
    await ingest([{ ...firing('f0', '2026-11-22T00:30:00Z'), labels: withoutSeverity }]);
    expect(alertNames((await page('/alerts?severity=none')).html)).toEqual(['NoSeverityGiven']);
    expect(alertNames((await page('/alerts?labels=service%3Dcheckout')).html)).toEqual(['HostHighCpu', 'HostHighCpu']);
    expect(alertNames((await page('/alerts?q=disk')).html)).toEqual(['DiskAlmostFull']);
    expect(alertNames((await page('/alerts?q=%25')).html)).toEqual([]); // LIKE wildcards are literal
  });

  it('pages with a keyset cursor that neither skips nor repeats alerts', async () => {
    const many = Array.from({ length: 120 }, (_, index) =>
      firing(`e${index.toString(16)}`, new Date(Date.UTC(2026, 10, 21, 0, index)).toISOString(), { alertname: `Bulk${index}`, batch: 'bulk' }),
    );
    await ingest(many);
    const seen: string[] = [];
    let path: string | undefined = '/alerts?labels=batch%3Dbulk';
    while (path) {
      const { html } = await page(path);
      seen.push(...alertNames(html));
      path = html.match(/href="(\/alerts\?[^"]*after=[^"]+)"/)?.[1]?.replaceAll('&amp;', '&');
    }
    expect(seen).toEqual(Array.from({ length: 120 }, (_, index) => `Bulk${119 - index}`));
  });

  it('answers the polling request with the list fragment only', async () => {
    const { status, html } = await page('/alerts', viewer, { 'HX-Request': 'true', 'HX-Request-Type': 'partial' });
    expect(status).toBe(200);
    expect(html.startsWith('<div id="alert-list"')).toBe(true);
    expect(html).toContain('hx-trigger="every 5s"');
  });

  it('shows an alert with its occurrences and the devices its labels name', async () => {
    const { html } = await page(`/alerts/${await idOf('a1', '2026-11-22T04:00:00Z')}`);
    expect(html).toContain('CPU above 90 % for 2 minutes');
    const occurrences = html.match(/data-testid="occurrences">(.*?)<\/ol>/s)?.[1] ?? '';
    expect(occurrences.match(/<li>/g)).toHaveLength(2);
    expect(occurrences).toContain('(firing)');
    expect(html.match(/data-testid="related-devices">(.*?)<\/ul>/s)?.[1]).toContain('web-1');
  });

  it('escapes annotations and refuses to link a javascript: generator URL', async () => {
    const hostile = { ...firing('d4', '2026-11-22T05:00:00Z'), annotations: { summary: '<img src=x onerror=alert(1)>' } };
    await fetch(`${controlPlane.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${controlPlane.webhookToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(webhookBody([{ ...hostile, generatorURL: 'javascript:alert(1)' } as PayloadAlert])),
    });
    const { html } = await page(`/alerts/${await idOf('d4')}`);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)>');
    expect(html).not.toContain('javascript:');
  });

  it('lets an operator acknowledge once, audited; viewers cannot', async () => {
    const id = await idOf('b2');
    const asViewer = await fetch(`${controlPlane.url}/alerts/${id}/acknowledge`, {
      method: 'POST',
      headers: { cookie: viewer.cookie, 'x-csrf-token': viewer.csrfToken },
    });
    expect(asViewer.status).toBe(403);

    const acknowledge = () =>
      fetch(`${controlPlane.url}/alerts/${id}/acknowledge`, {
        method: 'POST',
        headers: { cookie: operator.cookie, 'x-csrf-token': operator.csrfToken, 'HX-Request-Type': 'partial' },
      });
    const first = await acknowledge();
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('data-testid="acknowledged"');
    expect((await acknowledge()).status).toBe(200);

    const row = await controlPlane.database.db.selectFrom('alerts').select(['acknowledged_by']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.acknowledged_by).toBe(operator.userId);
    const audits = await controlPlane.database.db.selectFrom('audit_log').select('actor').where('action', '=', 'alert.acknowledge').execute();
    expect(audits).toEqual([{ actor: operator.userId }]);
  });

  it('answers 404 for an unknown or malformed alert id', async () => {
    expect((await page('/alerts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await page('/alerts/not-an-id')).status).toBe(404);
  });
});
