import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deviceIdentityLabels, type Labels } from '@sre/db';
import { startControlPlane, type ControlPlaneUnderTest } from '../../test/harness';

interface Answer<Body> {
  status: number;
  contentType: string;
  body: Body;
}

interface Problem {
  type: string;
  status: number;
  errors?: Array<{ path: string; message: string }>;
}

interface DevicePage {
  items: Array<{ id: string; name: string }>;
  next: string | null;
}

interface AlertHistory {
  items: Array<{ id: string; fingerprint: string; status: string; labels: Labels; annotations: Labels; startsAt: string; endsAt: string | null; acknowledgedAt: string | null }>;
  truncated: boolean;
}

interface AuditLog {
  items: Array<{ id: string; at: string; actor: string; actorType: string; action: string; targetType: string | null; targetId: string | null; details: Record<string, unknown> }>;
  truncated: boolean;
}

const hourMs = 3_600_000;
const at = (text: string) => new Date(text);

describe('the read-only API: device pages, alert history and the audit log', () => {
  let controlPlane: ControlPlaneUnderTest;
  let token: string;

  const get = async <Body,>(path: string): Promise<Answer<Body>> => {
    const response = await fetch(`${controlPlane.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: (await response.json()) as Body };
  };

  /** The problem's errors as path → message, after checking it is a problem+json 400. */
  const badRequest = async (path: string): Promise<Record<string, string>> => {
    const answer = await get<Problem>(path);
    expect(answer.status, path).toBe(400);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body.type).toBe('urn:sre-platform:problem:bad_request');
    return Object.fromEntries((answer.body.errors ?? []).map(({ path: parameter, message }) => [parameter, message]));
  };

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    token = await controlPlane.serviceToken();
  });
  afterAll(async () => {
    await controlPlane.close();
  });

  describe('GET /api/v1/devices', () => {
    const insertDevices = (names: string[]) =>
      controlPlane.database.db
        .insertInto('devices')
        .values(names.map((name) => ({ name, kind: 'host' as const, labels: {} })))
        .execute();

    beforeEach(async () => {
      await controlPlane.database.db.deleteFrom('devices').execute();
    });

    it('pages through the whole inventory by name, following `next` until it is null', async () => {
      await insertDevices(['web-2', 'db-1', 'cache-1', 'web-10', 'api-1', 'web-1', 'queue-1']);
      const pages: string[][] = [];
      let next: string | null = null;
      do {
        const answer: Answer<DevicePage> = await get<DevicePage>(`/api/v1/devices?limit=3${next ? `&after=${encodeURIComponent(next)}` : ''}`);
        expect(answer.status).toBe(200);
        pages.push(answer.body.items.map(({ name }) => name));
        next = answer.body.next;
      } while (next !== null && pages.length < 10);
      expect(pages).toEqual([['api-1', 'cache-1', 'db-1'], ['queue-1', 'web-1', 'web-10'], ['web-2']]);
    });

    it('answers 500 devices without a limit and says that more follow, instead of stopping silently', async () => {
      await insertDevices(Array.from({ length: 501 }, (_, index) => `host-${String(index).padStart(3, '0')}`));
      const first = await get<DevicePage>('/api/v1/devices');
      expect(first.body.items).toHaveLength(500);
      expect(first.body.items.at(-1)?.name).toBe('host-499');
      expect(first.body.next).toEqual(expect.any(String));
      const second = await get<DevicePage>(`/api/v1/devices?after=${encodeURIComponent(first.body.next!)}`);
      expect(second.body).toEqual({ items: [expect.objectContaining({ name: 'host-500' })], next: null });
    });

    it('says next: null when the page holds the last device exactly', async () => {
      await insertDevices(['a-1', 'a-2']);
      expect((await get<DevicePage>('/api/v1/devices?limit=2')).body).toEqual({ items: [expect.objectContaining({ name: 'a-1' }), expect.objectContaining({ name: 'a-2' })], next: null });
    });

    it.each([
      ['limit=0', 'limit', 'an integer from 1 to 500'],
      ['limit=501', 'limit', 'an integer from 1 to 500'],
      ['limit=ten', 'limit', 'an integer from 1 to 500'],
      ['limit=1&limit=2', 'limit', 'an integer from 1 to 500'],
      ['after=not-a-cursor', 'after', 'the `next` cursor of the previous page'],
      ['search=web', 'search', 'not a parameter of this endpoint'],
    ])('refuses ?%s with a 400 naming %s', async (query, parameter, message) => {
      expect(await badRequest(`/api/v1/devices?${query}`)).toEqual({ [parameter]: message });
    });
  });

  describe('GET /api/v1/alerts', () => {
    let sequence = 0;
    const insertAlert = async (alert: { labels: Labels; startsAt: Date; endsAt?: Date; status?: 'firing' | 'resolved'; annotations?: Labels }) => {
      sequence += 1;
      const row = await controlPlane.database.db
        .insertInto('alerts')
        .values({
          fingerprint: sequence.toString(16).padStart(8, '0'),
          status: alert.status ?? (alert.endsAt ? 'resolved' : 'firing'),
          labels: alert.labels,
          annotations: alert.annotations ?? {},
          starts_at: alert.startsAt,
          ends_at: alert.endsAt ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    };
    const alertnames = (answer: Answer<AlertHistory>) => answer.body.items.map((item) => item.labels.alertname);

    beforeEach(async () => {
      await controlPlane.database.db.deleteFrom('alerts').execute();
      await controlPlane.database.db.deleteFrom('devices').execute();
    });

    it('lists the alerts active at any point in the window, newest first, in the answer’s shape', async () => {
      const window = 'since=2026-03-01T10:00:00Z&until=2026-03-01T12:00:00Z';
      await insertAlert({ labels: { alertname: 'EndedBefore' }, startsAt: at('2026-03-01T08:00:00Z'), endsAt: at('2026-03-01T09:59:59Z') });
      await insertAlert({ labels: { alertname: 'EndedAtSince' }, startsAt: at('2026-03-01T08:00:00Z'), endsAt: at('2026-03-01T10:00:00Z') });
      await insertAlert({ labels: { alertname: 'EndedInside' }, startsAt: at('2026-03-01T09:00:00Z'), endsAt: at('2026-03-01T10:30:00Z') });
      await insertAlert({ labels: { alertname: 'StillFiring' }, startsAt: at('2026-02-28T00:00:00Z') });
      const inside = await insertAlert({
        labels: { alertname: 'StartedInside', severity: 'critical' },
        annotations: { summary: 'disk almost full' },
        startsAt: at('2026-03-01T11:00:00Z'),
      });
      await controlPlane.database.db.updateTable('alerts').set({ acknowledged_at: at('2026-03-01T11:05:00Z') }).where('id', '=', inside).execute();
      await insertAlert({ labels: { alertname: 'StartedAtUntil' }, startsAt: at('2026-03-01T12:00:00Z') });
      await insertAlert({ labels: { alertname: 'StartedAfter' }, startsAt: at('2026-03-01T13:00:00Z') });

      const answer = await get<AlertHistory>(`/api/v1/alerts?${window}`);
      expect(answer.status).toBe(200);
      expect(alertnames(answer)).toEqual(['StartedInside', 'EndedInside', 'EndedAtSince', 'StillFiring']);
      expect(answer.body.truncated).toBe(false);
      expect(answer.body.items[0]).toEqual({
        id: inside,
        fingerprint: expect.stringMatching(/^[0-9a-f]{8}$/),
        status: 'firing',
        labels: { alertname: 'StartedInside', severity: 'critical' },
        annotations: { summary: 'disk almost full' },
        startsAt: '2026-03-01T11:00:00.000Z',
        endsAt: null,
        acknowledgedAt: '2026-03-01T11:05:00.000Z',
      });
      expect(answer.body.items[1]).toMatchObject({ status: 'resolved', endsAt: '2026-03-01T10:30:00.000Z', acknowledgedAt: null });
    });

    it('covers the 24 hours before now when no window is given', async () => {
      const now = Date.now();
      await insertAlert({ labels: { alertname: 'Recent' }, startsAt: new Date(now - 2 * hourMs) });
      await insertAlert({ labels: { alertname: 'EndedYesterday' }, startsAt: new Date(now - 30 * hourMs), endsAt: new Date(now - 25 * hourMs) });
      await insertAlert({ labels: { alertname: 'EndedInTheLastDay' }, startsAt: new Date(now - 29 * hourMs), endsAt: new Date(now - 23 * hourMs) });
      expect(alertnames(await get<AlertHistory>('/api/v1/alerts'))).toEqual(['Recent', 'EndedInTheLastDay']);
      expect(alertnames(await get<AlertHistory>(`/api/v1/alerts?until=${new Date(now - 24 * hourMs).toISOString()}`))).toEqual(['EndedInTheLastDay', 'EndedYesterday']);
    });

    it('filters by alert name and by status', async () => {
      const startsAt = at('2026-03-02T10:00:00Z');
      await insertAlert({ labels: { alertname: 'DiskFull', instance: 'a' }, startsAt });
      await insertAlert({ labels: { alertname: 'DiskFull', instance: 'b' }, startsAt, endsAt: at('2026-03-02T10:10:00Z') });
      await insertAlert({ labels: { alertname: 'DiskFullSoon' }, startsAt });
      const window = 'since=2026-03-02T00:00:00Z&until=2026-03-03T00:00:00Z';
      const byName = await get<AlertHistory>(`/api/v1/alerts?${window}&alertname=DiskFull`);
      expect(byName.body.items.map(({ labels }) => labels.instance).sort()).toEqual(['a', 'b']);
      const resolved = await get<AlertHistory>(`/api/v1/alerts?${window}&alertname=DiskFull&status=resolved`);
      expect(resolved.body.items.map(({ labels }) => labels.instance)).toEqual(['b']);
      expect(alertnames(await get<AlertHistory>(`/api/v1/alerts?${window}&status=firing`)).sort()).toEqual(['DiskFull', 'DiskFullSoon']);
    });

    it('finds a device’s alerts by every identity label that links alerts to devices, instance also with a port', async () => {
      const device = await controlPlane.database.db.insertInto('devices').values({ name: 'web-1', kind: 'host', labels: {} }).returning('id').executeTakeFirstOrThrow();
      const startsAt = at('2026-03-03T10:00:00Z');
      for (const label of deviceIdentityLabels) await insertAlert({ labels: { alertname: `By-${label}`, [label]: 'web-1' }, startsAt });
      await insertAlert({ labels: { alertname: 'ByInstanceWithPort', instance: 'web-1:9100' }, startsAt });
      // Look-alikes: another device's name, a non-numeric "port", a label that is not an identity label.
      await insertAlert({ labels: { alertname: 'OtherDevice', instance: 'web-10:9100' }, startsAt });
      await insertAlert({ labels: { alertname: 'NotAPort', instance: 'web-1:http' }, startsAt });
      await insertAlert({ labels: { alertname: 'NotIdentity', team: 'web-1' }, startsAt });
      await insertAlert({ labels: { alertname: 'Prefix', host: 'web-1.example' }, startsAt });

      const answer = await get<AlertHistory>(`/api/v1/alerts?since=2026-03-03T00:00:00Z&until=2026-03-04T00:00:00Z&device=${device.id}`);
      expect(alertnames(answer).sort()).toEqual([...deviceIdentityLabels.map((label) => `By-${label}`), 'ByInstanceWithPort'].sort());
    });

    it('answers 404 for a device id that names no device', async () => {
      const answer = await get<Problem>('/api/v1/alerts?device=7d1c3a52-0000-4000-8000-000000000099');
      expect(answer.status).toBe(404);
      expect(answer.contentType).toContain('application/problem+json');
    });

    it('returns at most `limit` alerts, the newest, and says that more matched', async () => {
      for (let minute = 0; minute < 5; minute += 1) await insertAlert({ labels: { alertname: `Minute${minute}` }, startsAt: new Date(at('2026-03-04T10:00:00Z').getTime() + minute * 60_000) });
      const window = 'since=2026-03-04T00:00:00Z&until=2026-03-05T00:00:00Z';
      const cut = await get<AlertHistory>(`/api/v1/alerts?${window}&limit=3`);
      expect(alertnames(cut)).toEqual(['Minute4', 'Minute3', 'Minute2']);
      expect(cut.body.truncated).toBe(true);
      const whole = await get<AlertHistory>(`/api/v1/alerts?${window}&limit=5`);
      expect(whole.body.items).toHaveLength(5);
      expect(whole.body.truncated).toBe(false);
    });

    it.each([
      ['since=yesterday', 'since', 'an ISO 8601 time with an offset, e.g. 2026-05-01T12:00:00Z'],
      ['until=2026-03-01T10:00:00', 'until', 'an ISO 8601 time with an offset, e.g. 2026-05-01T12:00:00Z'],
      ['since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z', 'since', 'must be before until (2026-03-01T00:00:00.000Z)'],
      ['since=2026-01-01T00:00:00Z&until=2026-02-01T00:00:00Z', 'since', 'the window from since to until is at most 30 days'],
      ['device=web-1', 'device', 'a device id (UUID)'],
      ['status=open', 'status', 'firing or resolved'],
      ['alertname=', 'alertname', 'an alert name'],
      ['limit=201', 'limit', 'an integer from 1 to 200'],
      ['severity=critical', 'severity', 'not a parameter of this endpoint'],
    ])('refuses ?%s with a 400 naming %s', async (query, parameter, message) => {
      expect(await badRequest(`/api/v1/alerts?${query}`)).toEqual({ [parameter]: message });
    });
  });

  describe('GET /api/v1/audit', () => {
    // The audit log is append-only (the database refuses deletes), so each test writes in a window of its own.
    const record = (entry: { at: Date; action: string; target?: { type: string; id: string }; details?: Record<string, unknown>; actor?: string }) =>
      controlPlane.database.db
        .insertInto('audit_log')
        .values({
          at: entry.at,
          actor: entry.actor ?? 'someone',
          actor_type: 'user',
          action: entry.action,
          target_type: entry.target?.type ?? null,
          target_id: entry.target?.id ?? null,
          details: JSON.stringify(entry.details ?? {}),
          request_id: 'request-1',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const actions = (answer: Answer<AuditLog>) => answer.body.items.map(({ action }) => action);

    it('lists the entries recorded in [since, until), newest first, in the answer’s shape', async () => {
      await record({ at: at('2026-04-01T09:59:59Z'), action: 'device.before' });
      await record({ at: at('2026-04-01T10:00:00Z'), action: 'device.at_since' });
      const latest = await record({
        at: at('2026-04-01T11:00:00Z'),
        action: 'device.update',
        actor: 'user-7',
        target: { type: 'device', id: 'd-1' },
        details: { before: { kind: 'host' }, after: { kind: 'service' } },
      });
      await record({ at: at('2026-04-01T12:00:00Z'), action: 'device.at_until' });

      const answer = await get<AuditLog>('/api/v1/audit?since=2026-04-01T10:00:00Z&until=2026-04-01T12:00:00Z');
      expect(answer.status).toBe(200);
      expect(actions(answer)).toEqual(['device.update', 'device.at_since']);
      expect(answer.body.truncated).toBe(false);
      expect(answer.body.items[0]).toEqual({
        id: latest.id,
        at: '2026-04-01T11:00:00.000Z',
        actor: 'user-7',
        actorType: 'user',
        action: 'device.update',
        targetType: 'device',
        targetId: 'd-1',
        details: { before: { kind: 'host' }, after: { kind: 'service' } },
      });
    });

    it('filters by an exact action, or by a prefix ending in a dot, taking `_` literally', async () => {
      for (const action of ['device.create', 'device.update', 'devices.export', 'alert.acknowledge', 'user_x.login', 'userxx.login']) {
        await record({ at: at('2026-04-02T10:00:00Z'), action });
      }
      const window = 'since=2026-04-02T00:00:00Z&until=2026-04-03T00:00:00Z';
      expect(actions(await get<AuditLog>(`/api/v1/audit?${window}&action=device.update`))).toEqual(['device.update']);
      expect(actions(await get<AuditLog>(`/api/v1/audit?${window}&action=device.`)).sort()).toEqual(['device.create', 'device.update']);
      expect(actions(await get<AuditLog>(`/api/v1/audit?${window}&action=user_x.`))).toEqual(['user_x.login']);
      expect(actions(await get<AuditLog>(`/api/v1/audit?${window}&action=device`))).toEqual([]);
    });

    it('filters by target type and id together', async () => {
      await record({ at: at('2026-04-03T10:00:00Z'), action: 'alert.acknowledge', target: { type: 'alert', id: 'a-1' } });
      await record({ at: at('2026-04-03T10:01:00Z'), action: 'diagnosis.requested', target: { type: 'alert', id: 'a-1' } });
      await record({ at: at('2026-04-03T10:02:00Z'), action: 'alert.acknowledge', target: { type: 'alert', id: 'a-2' } });
      await record({ at: at('2026-04-03T10:03:00Z'), action: 'device.update', target: { type: 'device', id: 'a-1' } });
      const answer = await get<AuditLog>('/api/v1/audit?since=2026-04-03T00:00:00Z&until=2026-04-04T00:00:00Z&targetType=alert&targetId=a-1');
      expect(actions(answer)).toEqual(['diagnosis.requested', 'alert.acknowledge']);
    });

    it('returns at most `limit` entries, the newest (ties broken by recording order), and says that more matched', async () => {
      const moment = at('2026-04-04T10:00:00Z');
      for (const action of ['first.one', 'second.one', 'third.one']) await record({ at: moment, action });
      const window = 'since=2026-04-04T00:00:00Z&until=2026-04-05T00:00:00Z';
      const cut = await get<AuditLog>(`/api/v1/audit?${window}&limit=2`);
      expect(actions(cut)).toEqual(['third.one', 'second.one']);
      expect(cut.body.truncated).toBe(true);
      expect((await get<AuditLog>(`/api/v1/audit?${window}&limit=3`)).body.truncated).toBe(false);
    });

    it('covers the 24 hours before now when no window is given', async () => {
      const now = Date.now();
      await record({ at: new Date(now - hourMs), action: 'window_test.recent' });
      await record({ at: new Date(now - 25 * hourMs), action: 'window_test.old' });
      expect(actions(await get<AuditLog>('/api/v1/audit?action=window_test.'))).toEqual(['window_test.recent']);
    });

    it('serves what the control plane itself records: a device created through the form', async () => {
      const admin = await controlPlane.sessionFor(['admin']);
      const since = new Date(Date.now() - 60_000).toISOString();
      const created = await fetch(`${controlPlane.url}/devices`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: admin.csrfToken, name: 'audited-1', kind: 'service', owner: 'team-a', labels: 'service=audited' }),
      });
      expect(created.status).toBe(303);
      const device = await controlPlane.database.db.selectFrom('devices').select('id').where('name', '=', 'audited-1').executeTakeFirstOrThrow();

      const answer = await get<AuditLog>(`/api/v1/audit?since=${since}&action=device.&targetType=device&targetId=${device.id}`);
      expect(answer.body.items).toEqual([
        expect.objectContaining({
          actor: admin.userId,
          actorType: 'user',
          action: 'device.create',
          details: { name: 'audited-1', kind: 'service', owner: 'team-a', labels: { service: 'audited' } },
        }),
      ]);
      expect(answer.body.items[0]).not.toHaveProperty('requestId');
    });

    it.each([
      ['since=2026-04-01', 'since', 'an ISO 8601 time with an offset, e.g. 2026-05-01T12:00:00Z'],
      ['since=2026-01-01T00:00:00Z&until=2026-02-01T00:00:01Z', 'since', 'the window from since to until is at most 30 days'],
      ['action=Device.Update', 'action', 'an action such as device.update, or a prefix ending in a dot such as device.'],
      ['action=device.%25', 'action', 'an action such as device.update, or a prefix ending in a dot such as device.'],
      ['targetType=device', 'targetId', 'required with targetType'],
      ['targetId=d-1', 'targetType', 'required with targetId'],
      ['limit=0', 'limit', 'an integer from 1 to 200'],
      ['actor=someone', 'actor', 'not a parameter of this endpoint'],
    ])('refuses ?%s with a 400 naming %s', async (query, parameter, message) => {
      expect(await badRequest(`/api/v1/audit?${query}`)).toEqual({ [parameter]: message });
    });
  });
});
