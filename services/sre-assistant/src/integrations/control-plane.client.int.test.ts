import type http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failureOf } from '../../../../test/upstream-failure';
import { assistantClientSecret, controlPlaneClientOptions, startControlPlaneDouble, type ControlPlaneDouble } from '../../test/control-plane-double';
import { closedPortUrl, listenLocally, sendJson, type LocalServer } from '../../test/http-server';
import { startTokenIssuer, type TokenIssuer } from '../../test/token-issuer';
import { createControlPlaneClient, maxInventoryPages, type AuditLogEntry, type ControlPlaneClientOptions, type HistoricalAlert, type InventoryDeviceDetail } from './control-plane.client';

const deviceId = (index: number) => `7d1c3a52-0000-4000-8000-${String(index).padStart(12, '0')}`;
const device = (index: number): InventoryDeviceDetail => ({ id: deviceId(index), name: `host-${String(index).padStart(4, '0')}`, kind: 'host', labels: {}, dependsOn: [], dependents: [] });

const alert = (index: number): HistoricalAlert => ({
  id: `a1e47000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  fingerprint: `f${index}`,
  status: 'resolved',
  labels: { alertname: 'DiskFull', instance: 'host-0001:9100' },
  annotations: { summary: 'the disk is almost full' },
  startsAt: '2026-05-01T10:00:00.000Z',
  endsAt: '2026-05-01T10:20:00.000Z',
  acknowledgedAt: null,
});

const auditEntry = (index: number): AuditLogEntry => ({
  id: String(index),
  at: '2026-05-01T09:55:00.000Z',
  actor: 'user-1',
  actorType: 'user',
  action: 'device.update',
  targetType: 'device',
  targetId: deviceId(1),
  details: { before: { kind: 'host' }, after: { kind: 'service' } },
});

describe('control plane client', () => {
  let issuer: TokenIssuer;
  let controlPlane: ControlPlaneDouble;
  const scripted: LocalServer[] = [];

  beforeAll(async () => {
    issuer = await startTokenIssuer({ 'sre-assistant': assistantClientSecret });
    controlPlane = await startControlPlaneDouble(issuer.issuer);
  });
  afterEach(async () => {
    await Promise.all(scripted.splice(0).map((server) => server.close()));
  });
  afterAll(async () => {
    await controlPlane.close();
    await issuer.close();
  });

  const clientFor = (baseUrl: string, overrides: Partial<ControlPlaneClientOptions> = {}) =>
    createControlPlaneClient({ ...controlPlaneClientOptions(issuer.issuer, baseUrl), ...overrides });

  // A control plane that answers every request with `handler`, for the failures the real one rarely shows.
  const scriptedControlPlane = async (handler: http.RequestListener) => {
    const server = await listenLocally(handler);
    scripted.push(server);
    return server.url;
  };

  it('calls GET /api/v1/info with a client-credentials token for the control plane audience and scope', async () => {
    const info = await clientFor(controlPlane.url).getInfo();
    expect(info).toEqual({ service: 'control-plane', version: '0.1.0', caller: { clientId: 'sre-assistant', scopes: ['controlplane.read'] } });
  });

  it('reuses its token until it nears expiry', async () => {
    const client = clientFor(controlPlane.url);
    const before = issuer.tokensIssued();
    await client.getInfo();
    await client.getInfo();
    expect(issuer.tokensIssued() - before).toBe(1);
  });

  it('classifies refused client credentials as auth, not retryable', async () => {
    const failure = await failureOf(clientFor(controlPlane.url, { clientSecret: 'wrong' }).getInfo());
    expect(failure).toMatchObject({ kind: 'auth', retryable: false, status: 401 });
    expect(failure.message).toBe(`the token issuer at ${issuer.issuer} answered the token request of sre-assistant with 401 (invalid_client)`);
  });

  it('classifies an unreachable issuer as unreachable, retryable', async () => {
    const failure = await failureOf(clientFor(controlPlane.url, { issuerUrl: `${await closedPortUrl()}/realms/sre` }).getInfo());
    expect(failure).toMatchObject({ kind: 'unreachable', retryable: true });
    expect(failure.message).toMatch(/^the token issuer at http:\/\/127\.0\.0\.1:\d+\/realms\/sre could not be reached \(ECONNREFUSED\)$/);
  });

  it('classifies an unreachable control plane as unreachable, retryable', async () => {
    const url = await closedPortUrl();
    const failure = await failureOf(clientFor(url).getInfo());
    expect(failure).toMatchObject({ kind: 'unreachable', retryable: true });
    expect(failure.message).toBe(`the control plane at ${url} could not be reached (ECONNREFUSED)`);
  });

  it('classifies a control plane that refuses the token as auth', async () => {
    const url = await scriptedControlPlane((_request, response) => sendJson(response, 401, { title: 'Authentication required' }));
    const failure = await failureOf(clientFor(url).getInfo());
    expect(failure).toMatchObject({ kind: 'auth', retryable: false, status: 401, message: 'the control plane answered 401 to GET /api/v1/info' });
  });

  it.each([
    [429, 'rate_limited', true],
    [404, 'client', false],
    [500, 'server', true],
    [503, 'server', true],
  ])('classifies an answer of %i as %s (retryable: %s)', async (status, kind, retryable) => {
    const url = await scriptedControlPlane((_request, response) => sendJson(response, status, { title: 'scripted' }));
    const failure = await failureOf(clientFor(url).getInfo());
    expect(failure).toMatchObject({ kind, retryable, status });
  });

  it('classifies a control plane that does not answer in time as timeout, retryable', async () => {
    const url = await scriptedControlPlane(() => {
      // never answers
    });
    const started = Date.now();
    const failure = await failureOf(clientFor(url, { timeoutMs: 200 }).getInfo());
    expect(failure).toMatchObject({ kind: 'timeout', retryable: true, message: 'the control plane did not answer GET /api/v1/info within 200 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('classifies a body that stops streaming before the deadline as timeout, not as a broken answer', async () => {
    const url = await scriptedControlPlane((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"service":"control-plane",'); // and nothing more
    });
    const failure = await failureOf(clientFor(url, { timeoutMs: 300 }).getInfo());
    expect(failure).toMatchObject({ kind: 'timeout', retryable: true, message: 'the control plane did not finish answering GET /api/v1/info within 300 ms' });
  });

  describe("the caller's signal", () => {
    const deadlinePassed = (path: string) => ({ kind: 'timeout', retryable: true, message: `the caller's deadline passed before the control plane answered GET ${path}` });

    it('stops a call that the control plane holds, long before the client’s own timeout', async () => {
      const url = await scriptedControlPlane(() => {
        // never answers
      });
      const started = Date.now();
      const failure = await failureOf(clientFor(url, { timeoutMs: 10_000 }).getDevice(deviceId(1), { signal: AbortSignal.timeout(200) }));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(failure).toMatchObject(deadlinePassed(`/api/v1/devices/${deviceId(1)}`));
    });

    it('sends nothing when it has already aborted', async () => {
      const client = clientFor(controlPlane.url);
      await client.getInfo(); // a cached token: only the signal can stop the call
      const before = controlPlane.requests.length;
      const failure = await failureOf(client.getDevice(deviceId(1), { signal: AbortSignal.abort() }));
      expect(failure).toMatchObject(deadlinePassed(`/api/v1/devices/${deviceId(1)}`));
      expect(controlPlane.requests).toHaveLength(before);
    });

    it('stops listDevices between pages: no page is asked for once it aborts', async () => {
      const caller = new AbortController();
      let pages = 0;
      const url = await scriptedControlPlane((_request, response) => {
        pages += 1;
        if (pages === 3) caller.abort();
        sendJson(response, 200, { items: [{ id: deviceId(pages), name: `host-${pages}`, kind: 'host', labels: {} }], next: `cursor-${pages}` });
      });
      const failure = await failureOf(clientFor(url).listDevices({ signal: caller.signal }));
      // The abort lands while the third page is asked for (the double runs in this process).
      expect(failure).toMatchObject(deadlinePassed('/api/v1/devices?after=cursor-2'));
      expect(pages).toBe(3);
    });
  });

  describe('listDevices', () => {
    it('reads the whole inventory, page after page, until `next` is null', async () => {
      const inventory = Array.from({ length: 1_203 }, (_, index) => device(index));
      const paged = await startControlPlaneDouble(issuer.issuer, inventory);
      try {
        const devices = await clientFor(paged.url).listDevices();
        expect(devices.map(({ name }) => name)).toEqual(inventory.map(({ name }) => name));
        expect(devices[0]).toEqual({ id: deviceId(0), name: 'host-0000', kind: 'host', labels: {} });
        const asked = paged.requests.map((url) => url.searchParams.get('after'));
        expect(asked).toHaveLength(3);
        expect(asked[0]).toBeNull();
        expect(asked.slice(1)).toEqual([expect.any(String), expect.any(String)]);
      } finally {
        await paged.close();
      }
    });

    it('refuses, never cuts silently, an inventory of more pages than it reads', async () => {
      let pages = 0;
      const url = await scriptedControlPlane((_request, response) => {
        pages += 1;
        sendJson(response, 200, { items: [{ id: deviceId(pages), name: `host-${pages}`, kind: 'host', labels: {} }], next: `cursor-${pages}` });
      });
      const failure = await failureOf(clientFor(url).listDevices());
      expect(failure).toMatchObject({ kind: 'client', retryable: false });
      expect(failure.message).toBe(`the control plane's inventory is larger than the assistant reads: more than ${maxInventoryPages} devices in ${maxInventoryPages} pages of GET /api/v1/devices`);
      expect(pages).toBe(maxInventoryPages);
    });

    it('refuses a page without `next`, the answer of a control plane that does not page', async () => {
      const url = await scriptedControlPlane((_request, response) => sendJson(response, 200, { items: [] }));
      const failure = await failureOf(clientFor(url).listDevices());
      expect(failure).toMatchObject({ kind: 'server', retryable: false });
      expect(failure.message).toMatch(/^the control plane answered GET \/api\/v1\/devices with an unexpected body: .*next/s);
    });
  });

  describe('listAlerts and listAuditEntries', () => {
    let history: ControlPlaneDouble;
    beforeAll(async () => {
      history = await startControlPlaneDouble(issuer.issuer, [device(1)], { alerts: [alert(2), alert(1)], auditEntries: [auditEntry(3), auditEntry(2), auditEntry(1)] });
    });
    afterAll(async () => {
      await history.close();
    });
    const lastQuery = () => Object.fromEntries(history.requests.at(-1)!.searchParams);

    it('asks for the alert history with the window in ISO 8601 and the filters given, and reads the answer', async () => {
      const answer = await clientFor(history.url).listAlerts({
        since: new Date('2026-05-01T09:00:00Z'),
        until: new Date('2026-05-01T11:00:00Z'),
        device: deviceId(1),
        alertname: 'DiskFull',
        status: 'resolved',
        limit: 1,
      });
      expect(history.requests.at(-1)!.pathname).toBe('/api/v1/alerts');
      expect(lastQuery()).toEqual({ since: '2026-05-01T09:00:00.000Z', until: '2026-05-01T11:00:00.000Z', device: deviceId(1), alertname: 'DiskFull', status: 'resolved', limit: '1' });
      expect(answer).toEqual({ items: [alert(2)], truncated: true });
    });

    it('leaves out the parameters not given, for the control plane’s defaults', async () => {
      expect(await clientFor(history.url).listAlerts({})).toEqual({ items: [alert(2), alert(1)], truncated: false });
      expect(lastQuery()).toEqual({});
    });

    it('reports a device the control plane does not know as a 404', async () => {
      const failure = await failureOf(clientFor(history.url).listAlerts({ device: deviceId(99) }));
      expect(failure).toMatchObject({ kind: 'client', status: 404 });
    });

    it('asks for the audit log with the window, the action and the target, and reads the answer', async () => {
      const answer = await clientFor(history.url).listAuditEntries({
        since: new Date('2026-05-01T09:00:00Z'),
        until: new Date('2026-05-01T10:00:00Z'),
        action: 'device.',
        target: { type: 'device', id: deviceId(1) },
        limit: 2,
      });
      expect(history.requests.at(-1)!.pathname).toBe('/api/v1/audit');
      expect(lastQuery()).toEqual({ since: '2026-05-01T09:00:00.000Z', until: '2026-05-01T10:00:00.000Z', action: 'device.', targetType: 'device', targetId: deviceId(1), limit: '2' });
      expect(answer).toEqual({ items: [auditEntry(3), auditEntry(2)], truncated: true });
    });

    it('refuses a history answer that does not say whether it was truncated', async () => {
      const url = await scriptedControlPlane((_request, response) => sendJson(response, 200, { items: [] }));
      const failure = await failureOf(clientFor(url).listAuditEntries({}));
      expect(failure).toMatchObject({ kind: 'server', retryable: false });
      expect(failure.message).toMatch(/^the control plane answered GET \/api\/v1\/audit with an unexpected body: .*truncated/s);
    });
  });

  it('refuses an answer that does not match the control plane contract', async () => {
    const url = await scriptedControlPlane((_request, response) => sendJson(response, 200, { service: 'control-plane' }));
    const failure = await failureOf(clientFor(url).getInfo());
    expect(failure).toMatchObject({ kind: 'server', retryable: false });
    expect(failure.message).toMatch(/^the control plane answered GET \/api\/v1\/info with an unexpected body: .*version/s);
  });
});
