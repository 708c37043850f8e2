import { UpstreamError } from '@sre/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, refusalOf, toolCallerAt } from '../../../test/tool-calls';
import { createGrafanaClient, type GrafanaClient } from '../../integrations/grafana.client';
import { grafanaDoubleToken, startGrafanaDouble, type GrafanaDouble, type SeededAnnotation, type SeededDashboard } from '../../integrations/testing/grafana-double';
import { createGetDashboardQueriesTool } from './get-dashboard-queries';
import { defaultToolLimits, type ToolLimits } from './limits';
import { createListAnnotationsTool } from './list-annotations';
import { createSearchDashboardsTool } from './search-dashboards';

const now = new Date('2026-05-01T10:00:00Z');
const minutesBeforeNow = (minutes: number) => now.getTime() - minutes * 60_000;
const prometheus = { type: 'prometheus', uid: 'victoriametrics' };
const longQuery = `sum(rate(http_requests_total{job="checkout",route=~"${'/api/v1/orders|'.repeat(40)}"}[5m]))`;

const hostOverview: SeededDashboard = {
  model: {
    uid: 'sre-host-overview',
    title: 'Host overview',
    tags: ['linux', 'sre'],
    templating: { list: [{ name: 'instance', type: 'query', current: { text: 'web-1:9100', value: 'web-1:9100' } }] },
    panels: [
      { id: 1, type: 'text', title: 'Runbook' },
      { id: 2, type: 'row', title: 'CPU', panels: [] },
      { id: 3, type: 'timeseries', title: 'CPU busy', datasource: prometheus, targets: [{ refId: 'A', expr: 'rate(node_cpu_seconds_total{mode!="idle",instance="$instance"}[$__rate_interval])' }] },
      { id: 4, type: 'stat', title: 'Load', datasource: prometheus, targets: [{ refId: 'A', expr: 'node_load1{instance="$instance"}', hide: true }] },
    ],
  },
  folder: { uid: 'platform', title: 'Platform' },
};
const checkout: SeededDashboard = {
  model: {
    uid: 'checkout',
    title: 'Checkout service',
    tags: ['shop'],
    panels: [
      { id: 1, type: 'timeseries', title: 'Requests', datasource: prometheus, targets: [{ refId: 'A', expr: longQuery }] },
      { id: 2, type: 'table', title: 'Slow queries', targets: [{ refId: 'A', datasource: { type: 'cloudwatch', uid: 'cw' }, metricName: 'ReadLatency' }] },
    ],
  },
};
const notes: SeededDashboard = { model: { uid: 'notes', title: 'Notes', panels: [{ id: 1, type: 'text', title: 'Read me' }] } };
const payroll: SeededDashboard = { model: { uid: 'payroll', title: 'Payroll hosts', tags: ['linux'] }, restricted: true };

const deploy: SeededAnnotation = { id: 31, time: minutesBeforeNow(20), text: 'deploy checkout v2.4.1 by pipeline #812', tags: ['deploy', 'checkout'], dashboardUID: 'checkout', panelId: 1 };
const migration: SeededAnnotation = { id: 32, time: minutesBeforeNow(90), timeEnd: minutesBeforeNow(40), text: `orders table migration: ${'ALTER TABLE orders … '.repeat(30)}`, tags: ['migration'] };
const alertState: SeededAnnotation = { id: 33, time: minutesBeforeNow(10), text: 'High CPU', alertId: 4, dashboardUID: 'sre-host-overview' };
const yesterday: SeededAnnotation = { id: 34, time: minutesBeforeNow(20 * 60), text: 'deploy checkout v2.4.0', tags: ['deploy'] };

const call = toolCallerAt(now);

describe('Grafana tools against Grafana’s HTTP API', () => {
  let grafana: GrafanaDouble;
  let client: GrafanaClient;
  const limits: ToolLimits = { ...defaultToolLimits };

  beforeAll(async () => {
    grafana = await startGrafanaDouble({ dashboards: [hostOverview, checkout, notes, payroll], annotations: [deploy, migration, alertState, yesterday] });
    client = createGrafanaClient({ url: grafana.url, token: grafanaDoubleToken, timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await grafana?.stop();
  });

  const lastQuery = () => grafana.requests.at(-1)?.query;

  describe('search_dashboards', () => {
    const searchDashboards = (overrides: Partial<ToolLimits> = {}) => createSearchDashboardsTool(client, { ...limits, ...overrides });

    it('finds dashboards by part of the title and by tags, with their folder and link', async () => {
      const result = await call(searchDashboards(), { query: 'HOST', tags: ['linux'] });
      expect(lastQuery()).toEqual({ type: ['dash-db'], limit: ['51'], query: ['HOST'], tag: ['linux'] });
      expect(result.content).toEqual({
        dashboards: [{ uid: 'sre-host-overview', title: 'Host overview', folder: 'Platform', tags: ['linux', 'sre'], url: `${grafana.url}/d/sre-host-overview/host-overview` }],
      });
      expect(result).toMatchObject({ summary: '1 dashboard whose title contains "HOST" tagged linux', truncated: false });
    });

    it('lists every dashboard the account may view by title, at most maxItems, saying more matched', async () => {
      const result = await call(searchDashboards({ maxItems: 2 }), {});
      expect((result.content as { dashboards: Array<{ uid: string }> }).dashboards.map(({ uid }) => uid)).toEqual(['checkout', 'sre-host-overview']);
      expect(result.content).toMatchObject({ hint: 'More dashboards matched than are shown (the first by title are): narrow the search by title or tag.' });
      expect(result).toMatchObject({ summary: 'showing 2 of more than 2 dashboards', truncated: true });
    });

    it('says when nothing matched', async () => {
      const result = await call(searchDashboards(), { query: 'kafka' });
      expect(result.content).toEqual({ dashboards: [], hint: 'No dashboard matched: try a shorter part of the title, or fewer tags.' });
      expect(result).toMatchObject({ summary: '0 dashboards whose title contains "kafka"', truncated: false });
    });
  });

  describe('get_dashboard_queries', () => {
    const getDashboardQueries = (overrides: Partial<ToolLimits> = {}) => createGetDashboardQueriesTool(client, { ...limits, ...overrides });

    it('shows the panels that query, with their row, data source and expression, and the variables to fill in', async () => {
      const result = await call(getDashboardQueries(), { uid: 'sre-host-overview' });
      expect(grafana.requests.at(-1)?.path).toBe('/api/dashboards/uid/sre-host-overview');
      expect(result.content).toEqual({
        uid: 'sre-host-overview',
        title: 'Host overview',
        url: `${grafana.url}/d/sre-host-overview/host-overview`,
        variables: [{ name: 'instance', type: 'query', current: 'web-1:9100' }],
        panels: [
          {
            title: 'CPU busy',
            type: 'timeseries',
            row: 'CPU',
            queries: [{ refId: 'A', datasource: prometheus, expression: 'rate(node_cpu_seconds_total{mode!="idle",instance="$instance"}[$__rate_interval])' }],
          },
          { title: 'Load', type: 'stat', row: 'CPU', queries: [{ refId: 'A', datasource: prometheus, expression: 'node_load1{instance="$instance"}', hidden: true }] },
        ],
        hint: 'Queries use dashboard variables ($instance, ${datasource}) and Grafana’s own ($__rate_interval, $__interval): replace them with values (the saved ones are listed) before running a query.',
      });
      expect(result).toMatchObject({ summary: 'Host overview: 2 panels with queries, 2 queries, 1 variable', truncated: false });
    });

    it('cuts a long expression, says so, and names a query built in a visual editor', async () => {
      const result = await call(getDashboardQueries(), { uid: 'checkout' });
      const [requests, slowQueries] = (result.content as { panels: Array<{ queries: Array<{ expression: string | null }> }> }).panels;
      expect(requests!.queries[0]!.expression).toBe(`${longQuery.slice(0, 500)}…`);
      expect(slowQueries!.queries[0]).toEqual({ refId: 'A', datasource: { type: 'cloudwatch', uid: 'cw' }, expression: null });
      expect(result.content).toMatchObject({
        clipped: 'expressions longer than 500 characters end in … where they were cut',
        hint: 'Queries whose expression is null were built in a visual editor and have no text to run.',
      });
      expect(result).toMatchObject({ summary: 'Checkout service: 2 panels with queries, 2 queries, 0 variables, expressions clipped in 1 panel', truncated: true });
    });

    it('lists at most maxItems panels, and says when a dashboard has none that query', async () => {
      const bounded = await call(getDashboardQueries({ maxItems: 1 }), { uid: 'sre-host-overview' });
      expect((bounded.content as { panels: Array<{ title: string }> }).panels.map(({ title }) => title)).toEqual(['CPU busy']);
      expect(bounded).toMatchObject({ summary: 'Host overview: showing 1 of 2 panels with queries, 1 query, 1 variable', truncated: true });
      expect((bounded.content as { hint: string }).hint).toContain('Not every panel with queries is listed: the first in the dashboard’s order are.');

      const empty = await call(getDashboardQueries(), { uid: 'notes' });
      expect(empty.content).toMatchObject({ panels: [], hint: 'No panel of this dashboard has a query of its own (text panels, library panels): try another dashboard.' });
    });

    it.each([
      ['no-such-dashboard', 'No dashboard has the uid no-such-dashboard. search_dashboards finds dashboards by title or tag.'],
      ['payroll', "The assistant's Grafana account may not view dashboard payroll: use another dashboard."],
    ])('refuses %s, naming what to do', async (uid, message) => {
      const refusal = await refusalOf(call(getDashboardQueries(), { uid }));
      expect(refusal.message).toBe(message);
    });

    it('takes only a uid Grafana could have issued', () => {
      const tool = getDashboardQueries();
      expect(tool.input.safeParse({ uid: '../api/admin/users' }).success).toBe(false);
      expect(tool.input.safeParse({ uid: 'x'.repeat(41) }).success).toBe(false);
      expect(tool.input.safeParse({ uid: 'sre-host_overview-2' }).success).toBe(true);
    });
  });

  describe('list_annotations', () => {
    const listAnnotations = (overrides: Partial<ToolLimits> = {}, grafanaClient = client) => createListAnnotationsTool(grafanaClient, { ...limits, ...overrides });

    it('reads the hour before now by default, annotations only, newest first, regions with their end', async () => {
      const result = await call(listAnnotations(), {});
      expect(lastQuery()).toEqual({ type: ['annotation'], from: [String(minutesBeforeNow(60))], to: [String(now.getTime())], limit: ['51'] });
      const content = result.content as { start: string; end: string; annotations: Array<Record<string, unknown>> };
      expect(content).toMatchObject({ start: '2026-05-01T09:00:00Z', end: '2026-05-01T10:00:00Z' });
      expect(content.annotations[0]).toEqual({ id: 31, time: '2026-05-01T09:40:00Z', text: 'deploy checkout v2.4.1 by pipeline #812', tags: ['deploy', 'checkout'], dashboardUid: 'checkout' });
      expect(content.annotations[1]).toMatchObject({ id: 32, time: '2026-05-01T08:30:00Z', timeEnd: '2026-05-01T09:20:00Z', tags: ['migration'], dashboardUid: null });
      expect(content.annotations).toHaveLength(2);
    });

    it('cuts texts longer than 300 characters, and says so', async () => {
      const result = await call(listAnnotations(), {});
      const [, migrationView] = (result.content as { annotations: Array<{ text: string }> }).annotations;
      expect(migrationView!.text).toBe(`${migration.text.slice(0, 300)}…`);
      expect(result.content).toMatchObject({ clipped: 'texts longer than 300 characters end in … where they were cut' });
      expect(result).toMatchObject({ summary: '2 annotations in 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z, texts of 1 clipped', truncated: true });
    });

    it('asks for the window, dashboard and tags given, and names them in the summary', async () => {
      const result = await call(listAnnotations(), { start: '2026-04-30T10:00:00Z', end: '2026-05-01T12:00:00+02:00', tags: ['deploy'] });
      expect(lastQuery()).toEqual({ type: ['annotation'], from: [String(Date.parse('2026-04-30T10:00:00Z'))], to: [String(now.getTime())], limit: ['51'], tags: ['deploy'] });
      expect((result.content as { annotations: Array<{ id: number }> }).annotations.map(({ id }) => id)).toEqual([31, 34]);
      expect(result.summary).toBe('2 annotations tagged deploy in 2026-04-30T10:00:00Z–2026-05-01T10:00:00Z');

      const onDashboard = await call(listAnnotations(), { dashboardUid: 'checkout' });
      expect(lastQuery()?.dashboardUID).toEqual(['checkout']);
      expect(onDashboard.summary).toBe('1 annotation of dashboard checkout in 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z');
    });

    it('shows at most maxItems, the newest, and says more matched', async () => {
      const result = await call(listAnnotations({ maxItems: 1 }), {});
      expect(lastQuery()?.limit).toEqual(['2']);
      expect((result.content as { annotations: Array<{ id: number }> }).annotations.map(({ id }) => id)).toEqual([31]);
      expect(result.content).toMatchObject({ hint: 'More annotations matched than are shown (the newest are): narrow the window, or filter by tag or dashboard.' });
      expect(result).toMatchObject({ summary: 'showing 1 of more than 1 annotations in 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z', truncated: true });
    });

    it('says when nothing was annotated, and refuses a window longer than maxRangeHours', async () => {
      const quiet = await call(listAnnotations(), { tags: ['rollback'] });
      expect(quiet.content).toEqual({
        start: '2026-05-01T09:00:00Z',
        end: '2026-05-01T10:00:00Z',
        annotations: [],
        hint: 'Nothing was annotated in this window with these filters: widen the window (up to 24 hours) or drop a filter.',
      });
      const refusal = await refusalOf(call(listAnnotations(), { start: '2026-04-29T10:00:00Z' }));
      expect(refusal.message).toMatch(/is 48 hours long; at most 24 hours are allowed/);
    });

    it('lets a refused token through as the upstream failure it is', async () => {
      const refused = createGrafanaClient({ url: grafana.url, token: 'glsa_revoked', timeoutMs: 2_000 });
      const error = await failureOf(call(listAnnotations({}, refused), {}));
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ kind: 'auth', status: 401 });
    });
  });
});
