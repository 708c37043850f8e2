import type http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failureOf } from '../../../../test/upstream-failure';
import { closedPortUrl, listenLocally, sendJson, type LocalServer } from '../../test/http-server';
import { createGrafanaClient, maxGrafanaListItems, type GrafanaClientOptions } from './grafana.client';
import { grafanaDoubleToken, startGrafanaDouble, type GrafanaDouble, type SeededAnnotation, type SeededDashboard } from './testing/grafana-double';

const prometheus = { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' };
const loki = { type: 'loki', uid: 'P8E80F9AEF21F6940' };

// A dashboard as Grafana 11 saves it: an expanded row followed by its panels, a collapsed row
// holding its own, a mixed-source panel, a text panel, and the odd entries real dashboards carry.
const hostOverview: SeededDashboard = {
  model: {
    uid: 'sre-host-overview',
    title: 'Host overview',
    tags: ['linux'],
    schemaVersion: 39,
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', current: { text: 'VictoriaMetrics', value: 'P1809F7CD0C75ACF3' } },
        { name: 'instance', type: 'query', current: { text: ['web-1:9100', 'web-2:9100'], value: ['web-1:9100', 'web-2:9100'] } },
        { name: 'interval', type: 'interval' },
        { type: 'constant' },
      ],
    },
    panels: [
      { id: 1, type: 'text', title: 'Read me', options: { content: 'Runbook: …' } },
      { id: 2, type: 'row', title: 'CPU', collapsed: false, panels: [] },
      {
        id: 3,
        type: 'timeseries',
        title: 'CPU busy',
        datasource: prometheus,
        targets: [
          { refId: 'A', expr: 'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle",instance=~"$instance"}[$__rate_interval]))', legendFormat: '{{instance}}' },
          { refId: 'B', datasource: { type: 'prometheus', uid: '${datasource}' }, expr: 'node_load1', hide: true },
        ],
      },
      {
        id: 6,
        type: 'table',
        title: 'Mixed',
        datasource: { type: 'datasource', uid: '-- Mixed --' },
        targets: [
          { refId: 'A', datasource: { type: 'grafana-postgresql-datasource', uid: 'pg' }, rawSql: 'SELECT now()', format: 'table' },
          { refId: 'B', datasource: { type: 'cloudwatch', uid: 'cw' }, namespace: 'AWS/EC2', metricName: 'CPUUtilization' },
        ],
      },
      { id: 7, type: 'graph', title: 'Old panel', datasource: 'VictoriaMetrics', targets: [{ refId: 'A', expr: 'up' }] },
      { id: 8, type: 'stat', title: 42, datasource: 7, targets: 'not a list' },
      'not a panel',
      { id: 4, type: 'row', title: 'Logs', collapsed: true, panels: [{ id: 5, type: 'logs', title: 'Errors', datasource: loki, targets: [{ refId: 'A', expr: '{job="web"} |= "error"' }] }] },
    ],
  },
  folder: { uid: 'platform', title: 'Platform' },
};

// Schema version 14 (Grafana 4): panels live in rows, there is no top-level `panels`.
const legacy: SeededDashboard = {
  model: { uid: 'legacy', title: 'Legacy', rows: [{ title: 'Network', panels: [{ id: 1, type: 'graph', title: 'Traffic', targets: [{ refId: 'A', expr: 'rate(node_network_receive_bytes_total[5m])' }] }] }] },
};

const nodeDetails: SeededDashboard = { model: { uid: 'node-details', title: 'Node details', tags: ['linux', 'sre'] } };
const payroll: SeededDashboard = { model: { uid: 'payroll', title: 'Payroll', tags: ['linux'] }, restricted: true };

const start = new Date('2026-05-01T09:00:00Z');
const at = (minutes: number) => start.getTime() + minutes * 60_000;
const deploy: SeededAnnotation = { id: 21, time: at(30), text: 'deploy checkout v2.4.1', tags: ['deploy', 'checkout'], dashboardUID: 'sre-host-overview', panelId: 3 };
const maintenance: SeededAnnotation = { id: 22, time: at(-30), timeEnd: at(10), text: 'database maintenance', tags: ['maintenance'] };

describe('grafana client', () => {
  let grafana: GrafanaDouble;
  const scripted: Array<LocalServer | GrafanaDouble> = [];

  beforeAll(async () => {
    grafana = await startGrafanaDouble({ dashboards: [hostOverview, legacy, nodeDetails, payroll], annotations: [deploy, maintenance] });
  });
  afterEach(async () => {
    await Promise.all(scripted.splice(0).map((server) => ('stop' in server ? server.stop() : server.close())));
  });
  afterAll(async () => {
    await grafana.stop();
  });

  const clientFor = (url: string, overrides: Partial<GrafanaClientOptions> = {}) => createGrafanaClient({ url, token: grafanaDoubleToken, timeoutMs: 1_000, ...overrides });

  // A Grafana that answers every request with `handler`, for the failures the double does not play.
  const scriptedGrafana = async (handler: http.RequestListener) => {
    const server = await listenLocally(handler);
    scripted.push(server);
    return server.url;
  };
  const otherGrafana = async (options: Parameters<typeof startGrafanaDouble>[0]) => {
    const double = await startGrafanaDouble(options);
    scripted.push(double);
    return double;
  };

  describe('searchDashboards', () => {
    it('asks for dashboards only, by title and every tag, one more than the limit, with the token', async () => {
      const result = await clientFor(grafana.url).searchDashboards({ query: 'o', tags: ['linux', 'sre'], limit: 5 });
      expect(grafana.requests.at(-1)).toEqual({
        method: 'GET',
        path: '/api/search',
        query: { type: ['dash-db'], limit: ['6'], query: ['o'], tag: ['linux', 'sre'] },
        credentials: 'token',
      });
      expect(result).toEqual({ items: [{ uid: 'node-details', title: 'Node details', url: `${grafana.url}/d/node-details/node-details`, folderTitle: null, tags: ['linux', 'sre'] }], truncated: false });
    });

    it('says when more dashboards matched than the limit, and never lists one the account may not view', async () => {
      const result = await clientFor(grafana.url).searchDashboards({ tags: ['linux'], limit: 1 });
      expect(result).toEqual({
        items: [{ uid: 'sre-host-overview', title: 'Host overview', url: `${grafana.url}/d/sre-host-overview/host-overview`, folderTitle: 'Platform', tags: ['linux'] }],
        truncated: true,
      });
      expect((await clientFor(grafana.url).searchDashboards({ tags: ['linux'], limit: 5 })).items.map(({ uid }) => uid)).toEqual(['sre-host-overview', 'node-details']);
    });

    it('keeps the sub-path of GRAFANA_URL, in requests and in links', async () => {
      const underPath = await otherGrafana({ dashboards: [nodeDetails], subPath: '/grafana' });
      const result = await clientFor(`${underPath.url}/`).searchDashboards({ limit: 5 });
      expect(underPath.requests.map(({ path }) => path)).toEqual(['/api/search']);
      expect(result.items[0]?.url).toBe(`${underPath.url}/d/node-details/node-details`);
    });

    it('refuses a limit outside 1 to maxGrafanaListItems before asking anything', async () => {
      const before = grafana.requests.length;
      await expect(clientFor(grafana.url).searchDashboards({ limit: 0 })).rejects.toThrow(RangeError);
      await expect(clientFor(grafana.url).searchDashboards({ limit: maxGrafanaListItems + 1 })).rejects.toThrow(RangeError);
      expect(grafana.requests.length).toBe(before);
    });
  });

  describe('getDashboard', () => {
    it('lists every panel but rows, with its row, its queries and the data source each one reads', async () => {
      const dashboard = await clientFor(grafana.url).getDashboard('sre-host-overview');
      expect(dashboard).toMatchObject({ uid: 'sre-host-overview', title: 'Host overview', url: `${grafana.url}/d/sre-host-overview/host-overview`, folderTitle: 'Platform', tags: ['linux'] });
      expect(dashboard.panels).toEqual([
        { title: 'Read me', type: 'text', row: null, queries: [] },
        {
          title: 'CPU busy',
          type: 'timeseries',
          row: 'CPU',
          queries: [
            { refId: 'A', datasource: prometheus, expression: 'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle",instance=~"$instance"}[$__rate_interval]))', hidden: false },
            { refId: 'B', datasource: { type: 'prometheus', uid: '${datasource}' }, expression: 'node_load1', hidden: true },
          ],
        },
        {
          title: 'Mixed',
          type: 'table',
          row: 'CPU',
          queries: [
            { refId: 'A', datasource: { type: 'grafana-postgresql-datasource', uid: 'pg' }, expression: 'SELECT now()', hidden: false },
            { refId: 'B', datasource: { type: 'cloudwatch', uid: 'cw' }, expression: null, hidden: false },
          ],
        },
        { title: 'Old panel', type: 'graph', row: 'CPU', queries: [{ refId: 'A', datasource: { name: 'VictoriaMetrics' }, expression: 'up', hidden: false }] },
        { title: '', type: 'stat', row: 'CPU', queries: [] },
        { title: 'Errors', type: 'logs', row: 'Logs', queries: [{ refId: 'A', datasource: loki, expression: '{job="web"} |= "error"', hidden: false }] },
      ]);
    });

    it('reads the template variables with their saved values', async () => {
      const { variables } = await clientFor(grafana.url).getDashboard('sre-host-overview');
      expect(variables).toEqual([
        { name: 'datasource', type: 'datasource', current: 'VictoriaMetrics' },
        { name: 'instance', type: 'query', current: 'web-1:9100, web-2:9100' },
        { name: 'interval', type: 'interval', current: null },
      ]);
    });

    it('reads the rows of a dashboard saved before panels left them', async () => {
      const dashboard = await clientFor(grafana.url).getDashboard('legacy');
      expect(dashboard).toMatchObject({ folderTitle: 'General', variables: [] });
      expect(dashboard.panels).toEqual([{ title: 'Traffic', type: 'graph', row: 'Network', queries: [{ refId: 'A', datasource: null, expression: 'rate(node_network_receive_bytes_total[5m])', hidden: false }] }]);
    });

    it('fails with Grafana’s reason: 404 for an unknown uid, 403 (auth) for a dashboard the account may not view', async () => {
      const missing = await failureOf(clientFor(grafana.url).getDashboard('no-such-dashboard'));
      expect(missing).toMatchObject({ kind: 'client', status: 404, retryable: false, message: 'Grafana answered 404 to GET /api/dashboards/uid/no-such-dashboard: Dashboard not found' });
      const forbidden = await failureOf(clientFor(grafana.url).getDashboard('payroll'));
      expect(forbidden).toMatchObject({ kind: 'auth', status: 403, retryable: false });
      expect(forbidden.message).toContain('Permissions needed: dashboards:read');
    });

    it('puts the uid into the path escaped', async () => {
      await failureOf(clientFor(grafana.url).getDashboard('a b/c'));
      expect(grafana.requests.at(-1)?.path).toBe('/api/dashboards/uid/a%20b%2Fc');
    });
  });

  describe('listAnnotations', () => {
    it('asks for annotations (not alert states) in the window in epoch milliseconds, by dashboard and tags, one more than the limit', async () => {
      const result = await clientFor(grafana.url).listAnnotations({
        from: start,
        to: new Date(at(60)),
        dashboardUid: 'sre-host-overview',
        tags: ['deploy', 'checkout'],
        limit: 10,
      });
      expect(grafana.requests.at(-1)?.query).toEqual({
        type: ['annotation'],
        from: [String(start.getTime())],
        to: [String(at(60))],
        limit: ['11'],
        dashboardUID: ['sre-host-overview'],
        tags: ['deploy', 'checkout'],
      });
      expect(result).toEqual({
        items: [{ id: 21, time: new Date(at(30)), timeEnd: null, text: 'deploy checkout v2.4.1', tags: ['deploy', 'checkout'], dashboardUid: 'sre-host-overview', panelId: 3 }],
        truncated: false,
      });
    });

    it('gives a region its end and an organisation annotation no dashboard, and says when the limit cut the answer', async () => {
      const result = await clientFor(grafana.url).listAnnotations({ from: start, to: new Date(at(60)), limit: 1 });
      expect(result).toEqual({ items: [expect.objectContaining({ id: 21 })], truncated: true });
      const [, region] = (await clientFor(grafana.url).listAnnotations({ from: start, to: new Date(at(60)), limit: 5 })).items;
      expect(region).toEqual({ id: 22, time: new Date(at(-30)), timeEnd: new Date(at(10)), text: 'database maintenance', tags: ['maintenance'], dashboardUid: null, panelId: null });
    });
  });

  describe('authentication', () => {
    it('reports a refused token as an auth failure, not retryable, with Grafana’s reason and never the token', async () => {
      const failure = await failureOf(clientFor(grafana.url, { token: 'glsa_revoked-token' }).searchDashboards({ limit: 5 }));
      expect(failure).toMatchObject({ kind: 'auth', status: 401, retryable: false, message: 'Grafana answered 401 to GET /api/search: Invalid API key' });
      expect(`${failure.message} ${String(failure.cause)}`).not.toContain('glsa_revoked-token');
    });

    it('calls a Grafana that admits anonymous viewers without credentials, and says what is missing when it does not', async () => {
      const anonymous = await otherGrafana({ dashboards: [nodeDetails], anonymousViewers: true });
      expect((await clientFor(anonymous.url, { token: undefined }).searchDashboards({ limit: 5 })).items).toHaveLength(1);
      expect(anonymous.requests.at(-1)?.credentials).toBe('none');

      const failure = await failureOf(clientFor(grafana.url, { token: undefined }).searchDashboards({ limit: 5 }));
      expect(failure).toMatchObject({ kind: 'auth', status: 401 });
      expect(failure.message).toBe(
        'Grafana answered 401 to GET /api/search: Unauthorized; the assistant has no service account token, and this Grafana does not admit anonymous viewers',
      );
    });
  });

  describe('failures', () => {
    it('classifies 5xx as a retryable server failure, with the message or the start of the body', async () => {
      const failing = await scriptedGrafana((_request, response) => sendJson(response, 503, { message: 'database is locked' }));
      expect(await failureOf(clientFor(failing).searchDashboards({ limit: 5 }))).toMatchObject({
        kind: 'server',
        status: 503,
        retryable: true,
        message: 'Grafana answered 503 to GET /api/search: database is locked',
      });
      const proxy = await scriptedGrafana((_request, response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>'));
      expect((await failureOf(clientFor(proxy).getDashboard('x'))).message).toBe('Grafana answered 502 to GET /api/dashboards/uid/x: <html>Bad Gateway</html>');
    });

    it('refuses, without retry, an answer that is not JSON or not the expected shape', async () => {
      const notJson = await scriptedGrafana((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
      expect(await failureOf(clientFor(notJson).searchDashboards({ limit: 5 }))).toMatchObject({ kind: 'server', retryable: false, message: 'Grafana answered GET /api/search with a body that is not JSON' });
      const wrongShape = await scriptedGrafana((_request, response) => sendJson(response, 200, { dashboards: [] }));
      const failure = await failureOf(clientFor(wrongShape).listAnnotations({ from: start, to: new Date(at(60)), limit: 5 }));
      expect(failure).toMatchObject({ kind: 'server', retryable: false });
      expect(failure.message).toMatch(/^Grafana answered GET \/api\/annotations with an unexpected body/);
    });

    it('gives up at its deadline, and reports an unreachable Grafana by the network error', async () => {
      const silent = await scriptedGrafana(() => {});
      const started = Date.now();
      expect(await failureOf(clientFor(silent, { timeoutMs: 200 }).searchDashboards({ limit: 5 }))).toMatchObject({
        kind: 'timeout',
        retryable: true,
        message: 'Grafana did not answer GET /api/search within 200 ms',
      });
      expect(Date.now() - started).toBeLessThan(2_000);
      const closed = await closedPortUrl();
      expect(await failureOf(clientFor(closed).searchDashboards({ limit: 5 }))).toMatchObject({ kind: 'unreachable', message: `Grafana at ${closed} could not be reached (ECONNREFUSED)` });
    });
  });

  describe('the caller’s signal', () => {
    const deadlinePassed = (request: string) => ({ kind: 'timeout', retryable: true, message: `the caller's deadline passed before Grafana answered ${request}` });

    it('stops a call that Grafana holds, long before the client’s own timeout, naming the caller’s deadline', async () => {
      const silent = await scriptedGrafana(() => {});
      const started = Date.now();
      // A caller's timeout aborts with a TimeoutError too: only the signal that fired tells it from the client's own.
      const failure = await failureOf(clientFor(silent, { timeoutMs: 10_000 }).getDashboard('x', { signal: AbortSignal.timeout(200) }));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(failure).toMatchObject(deadlinePassed('GET /api/dashboards/uid/x'));
    });

    it('sends nothing when it has already aborted', async () => {
      let requests = 0;
      const counting = await scriptedGrafana((_request, response) => {
        requests += 1;
        sendJson(response, 200, []);
      });
      const failure = await failureOf(clientFor(counting).searchDashboards({ limit: 5, signal: AbortSignal.abort(new Error('the task was cancelled')) }));
      expect(failure).toMatchObject(deadlinePassed('GET /api/search'));
      expect(requests).toBe(0);
    });

    it('leaves the client’s own timeout reported as its own while the caller still waits', async () => {
      const silent = await scriptedGrafana(() => {});
      const failure = await failureOf(clientFor(silent, { timeoutMs: 200 }).searchDashboards({ limit: 5, signal: AbortSignal.timeout(10_000) }));
      expect(failure).toMatchObject({ kind: 'timeout', retryable: true, message: 'Grafana did not answer GET /api/search within 200 ms' });
    });
  });
});
