import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantClientSecret, controlPlaneClientOptions, startControlPlaneDouble, type ControlPlaneDouble } from '../../../test/control-plane-double';
import { startTokenIssuer, type TokenIssuer } from '../../../test/token-issuer';
import { refusalOf, toolCallerAt } from '../../../test/tool-calls';
import { createControlPlaneClient, type AuditLogEntry, type ControlPlaneClient, type HistoricalAlert, type InventoryDeviceDetail } from '../../integrations/control-plane.client';
import { defaultToolLimits, type ToolLimits } from './limits';
import { createListAlertHistoryTool } from './list-alert-history';
import { createListAuditLogTool } from './list-audit-log';

const now = new Date('2026-05-01T10:00:00Z');
const web1: InventoryDeviceDetail = { id: '7d1c3a52-0000-4000-8000-000000000001', name: 'web-1', kind: 'host', labels: { instance: 'web-1:9100' }, dependsOn: [], dependents: [] };

const latency: HistoricalAlert = {
  id: 'a1e47000-0000-4000-8000-000000000002',
  fingerprint: 'b2',
  status: 'firing',
  labels: { alertname: 'HighRequestLatency', instance: 'web-1:9100', severity: 'warning' },
  annotations: { summary: 'p99 latency above 2 s' },
  startsAt: '2026-05-01T09:40:00.000Z',
  endsAt: null,
  acknowledgedAt: '2026-05-01T09:45:00.000Z',
};
const diskFull: HistoricalAlert = {
  id: 'a1e47000-0000-4000-8000-000000000001',
  fingerprint: 'a1',
  status: 'resolved',
  labels: { alertname: 'DiskFull', instance: 'web-1:9100' },
  annotations: { description: 'x'.repeat(400) },
  startsAt: '2026-05-01T09:10:00.000Z',
  endsAt: '2026-05-01T09:30:00.000Z',
  acknowledgedAt: null,
};

const deviceUpdate: AuditLogEntry = {
  id: '12',
  at: '2026-05-01T09:35:00.000Z',
  actor: 'user-7',
  actorType: 'user',
  action: 'device.update',
  targetType: 'device',
  targetId: web1.id,
  details: { before: { kind: 'host', labels: { tier: '1' } }, after: { kind: 'host', labels: { tier: '2' } } },
};
const alertsReceived: AuditLogEntry = {
  id: '11',
  at: '2026-05-01T09:10:05.000Z',
  actor: 'alertmanager',
  actorType: 'service',
  action: 'alerts.received',
  targetType: 'alert_group',
  targetId: '{}:{alertname="DiskFull"}',
  details: { receiver: 'control-plane', notes: 'n'.repeat(400) },
};

const call = toolCallerAt(now);

describe('history tools against the control plane’s read API', () => {
  let issuer: TokenIssuer;
  let busy: ControlPlaneDouble;
  let quiet: ControlPlaneDouble;
  let busyClient: ControlPlaneClient;
  let quietClient: ControlPlaneClient;
  const limits: ToolLimits = { ...defaultToolLimits };

  beforeAll(async () => {
    issuer = await startTokenIssuer({ 'sre-assistant': assistantClientSecret });
    busy = await startControlPlaneDouble(issuer.issuer, [web1], { alerts: [latency, diskFull], auditEntries: [deviceUpdate, alertsReceived] });
    quiet = await startControlPlaneDouble(issuer.issuer, [web1]);
    busyClient = createControlPlaneClient(controlPlaneClientOptions(issuer.issuer, busy.url));
    quietClient = createControlPlaneClient(controlPlaneClientOptions(issuer.issuer, quiet.url));
  });
  afterAll(async () => {
    await busy?.close();
    await quiet?.close();
    await issuer?.close();
  });

  const lastRequest = (double: ControlPlaneDouble) => {
    const url = double.requests.at(-1)!;
    return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
  };

  describe('list_alert_history', () => {
    const listAlertHistory = (overrides: Partial<ToolLimits> = {}, client = busyClient) => createListAlertHistoryTool(client, { ...limits, ...overrides });

    it('reads the hour before now by default and shows each alert by name, with its times and acknowledgement', async () => {
      const result = await call(listAlertHistory(), {});
      expect(lastRequest(busy)).toEqual({ path: '/api/v1/alerts', query: { since: '2026-05-01T09:00:00.000Z', until: '2026-05-01T10:00:00.000Z', limit: '50' } });
      const content = result.content as { start: string; end: string; alerts: unknown[] };
      expect(content).toMatchObject({ start: '2026-05-01T09:00:00Z', end: '2026-05-01T10:00:00Z' });
      expect(content.alerts[0]).toEqual({
        id: latency.id,
        alertname: 'HighRequestLatency',
        status: 'firing',
        startsAt: '2026-05-01T09:40:00Z',
        endsAt: null,
        acknowledged: true,
        labels: { instance: 'web-1:9100', severity: 'warning' },
        annotations: { summary: 'p99 latency above 2 s' },
      });
      expect(content.alerts[1]).toMatchObject({ alertname: 'DiskFull', status: 'resolved', endsAt: '2026-05-01T09:30:00Z', acknowledged: false });
    });

    it('cuts annotations longer than 300 characters, and says so', async () => {
      const result = await call(listAlertHistory(), {});
      const [, disk] = (result.content as { alerts: Array<{ annotations: Record<string, string> }> }).alerts;
      expect(disk!.annotations.description).toBe(`${'x'.repeat(300)}…`);
      expect(result.content).toMatchObject({ clipped: 'annotations longer than 300 characters end in … where they were cut' });
      expect(result).toMatchObject({ summary: '2 alerts active 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z, annotations of 1 clipped', truncated: true });
    });

    it('asks for the window and the filters given, and names them in the summary', async () => {
      const result = await call(listAlertHistory(), {
        start: '2026-04-30T22:00:00Z',
        end: '2026-05-01T08:00:00+02:00',
        device: web1.id,
        alertname: 'HighRequestLatency',
        status: 'firing',
      });
      expect(lastRequest(busy).query).toEqual({
        since: '2026-04-30T22:00:00.000Z',
        until: '2026-05-01T06:00:00.000Z',
        device: web1.id,
        alertname: 'HighRequestLatency',
        status: 'firing',
        limit: '50',
      });
      expect(result.summary).toMatch(new RegExp(`^2 alerts of device ${web1.id} named HighRequestLatency now firing active 2026-04-30T22:00:00Z–2026-05-01T06:00:00Z`));
    });

    it('asks for at most maxItems and says that more matched', async () => {
      const result = await call(listAlertHistory({ maxItems: 1 }), {});
      expect(lastRequest(busy).query.limit).toBe('1');
      expect((result.content as { alerts: Array<{ alertname: string }> }).alerts.map(({ alertname }) => alertname)).toEqual(['HighRequestLatency']);
      expect(result.content).toMatchObject({ hint: 'More alerts matched than are shown (the newest are): narrow the window, or filter by device, alertname or status.' });
      expect(result).toMatchObject({ summary: 'showing 1 of more than 1 alerts active 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z', truncated: true });
    });

    it('says when no alert was active', async () => {
      const result = await call(listAlertHistory({}, quietClient), { status: 'firing' });
      expect(result.content).toEqual({
        start: '2026-05-01T09:00:00Z',
        end: '2026-05-01T10:00:00Z',
        alerts: [],
        hint: 'No alert was active in this window with these filters: widen the window (up to 24 hours) or drop a filter.',
      });
      expect(result).toMatchObject({ summary: '0 alerts now firing active 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z', truncated: false });
    });

    it('refuses a device id the inventory does not know, naming what to do', async () => {
      const unknown = '7d1c3a52-0000-4000-8000-000000000099';
      const refusal = await refusalOf(call(listAlertHistory(), { device: unknown }));
      expect(refusal.message).toBe(`No device has the id ${unknown}. list_devices finds devices by part of their name or by a label.`);
    });

    it('refuses a window longer than maxRangeHours without asking the control plane', async () => {
      const asked = busy.requests.length;
      const refusal = await refusalOf(call(listAlertHistory({ maxRangeHours: 6 }), { start: '2026-04-30T10:00:00Z' }));
      expect(refusal.message).toMatch(/is 24 hours long; at most 6 hours are allowed/);
      expect(busy.requests.length).toBe(asked);
    });

    it('takes a device only as an id, since that is what the control plane filters by', () => {
      expect(listAlertHistory().input.safeParse({ device: 'web-1' }).success).toBe(false);
    });
  });

  describe('list_audit_log', () => {
    const listAuditLog = (overrides: Partial<ToolLimits> = {}, client = busyClient) => createListAuditLogTool(client, { ...limits, ...overrides });

    it('reads the hour before now by default and shows who did what to which target', async () => {
      const result = await call(listAuditLog(), {});
      expect(lastRequest(busy)).toEqual({ path: '/api/v1/audit', query: { since: '2026-05-01T09:00:00.000Z', until: '2026-05-01T10:00:00.000Z', limit: '50' } });
      expect((result.content as { entries: unknown[] }).entries[0]).toEqual({
        id: '12',
        at: '2026-05-01T09:35:00Z',
        actor: 'user-7',
        actorType: 'user',
        action: 'device.update',
        target: { type: 'device', id: web1.id },
        details: deviceUpdate.details,
      });
    });

    it('shows details longer than 300 characters as the start of their JSON, and says so', async () => {
      const result = await call(listAuditLog(), {});
      const [, received] = (result.content as { entries: Array<{ details: unknown }> }).entries;
      expect(received!.details).toBe(`${JSON.stringify(alertsReceived.details).slice(0, 300)}…`);
      expect(result).toMatchObject({ summary: '2 audit entries recorded 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z, details of 1 clipped', truncated: true });
    });

    it('asks for an action prefix and a target, and names them in the summary', async () => {
      const result = await call(listAuditLog(), { start: '2026-05-01T04:00:00Z', end: '2026-05-01T10:00:00Z', action: 'device.', target: { type: 'device', id: web1.id } });
      expect(lastRequest(busy).query).toEqual({
        since: '2026-05-01T04:00:00.000Z',
        until: '2026-05-01T10:00:00.000Z',
        action: 'device.',
        targetType: 'device',
        targetId: web1.id,
        limit: '50',
      });
      expect(result.summary).toMatch(new RegExp(`^2 audit entries with actions device\\.\\* about device ${web1.id} recorded 2026-05-01T04:00:00Z–2026-05-01T10:00:00Z`));
    });

    it('asks for at most maxItems and says that more matched', async () => {
      const result = await call(listAuditLog({ maxItems: 1 }), { action: 'device.update' });
      expect(lastRequest(busy).query).toMatchObject({ action: 'device.update', limit: '1' });
      expect(result.content).toMatchObject({ hint: 'More entries matched than are shown (the newest are): narrow the window, or filter by action or target.' });
      expect(result).toMatchObject({ summary: 'showing 1 of more than 1 audit entries with action device.update recorded 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z', truncated: true });
    });

    it('says when nothing was recorded', async () => {
      const result = await call(listAuditLog({}, quietClient), {});
      expect(result.content).toEqual({
        start: '2026-05-01T09:00:00Z',
        end: '2026-05-01T10:00:00Z',
        entries: [],
        hint: 'Nothing was recorded in this window: widen the window (up to 24 hours) or drop a filter.',
      });
      expect(result).toMatchObject({ summary: '0 audit entries recorded 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z', truncated: false });
    });

    it.each([['Device.Update'], ['device.%'], ['']])('refuses the action %j before any call', (action) => {
      expect(listAuditLog().input.safeParse({ action }).success).toBe(false);
    });
  });
});
