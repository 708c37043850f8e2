import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../../../../test/victoriametrics';
import { startControlPlane, type ControlPlaneUnderTest } from '../../test/harness';
import { firing, webhookBody, type PayloadAlert } from '../../test/alertmanager-payloads';
import type { ChartData } from './alert-chart';
import { alertChartId } from './alert-metrics.views';

const grafanaUrl = 'https://grafana.example.com';
const hostileLabel = '</script><img src=x onerror=alert(1)>';
const minuteMs = 60_000;

// Prometheus' generator URL, as Alertmanager forwards it: the expression is in g0.expr.
const fromPrometheus = (alert: PayloadAlert, expression: string) => ({
  ...alert,
  generatorURL: `http://prometheus:9090/graph?g0.expr=${encodeURIComponent(expression)}&g0.tab=1`,
});

describe('the alert page charts the alert’s expression from a real VictoriaMetrics', () => {
  let victoriaMetrics: RunningVictoriaMetrics;
  let controlPlane: ControlPlaneUnderTest;
  let unconfigured: ControlPlaneUnderTest;
  let viewer: { cookie: string };
  const startsAt = new Date(Date.now() - 30 * minuteMs);
  // The minute-aligned sample times imported below: the 2 h 30 min before now.
  const sampleTimes = Array.from({ length: 150 }, (_, index) => Math.floor(Date.now() / minuteMs) * minuteMs - (150 - index) * minuteMs);

  const ingest = (target: ControlPlaneUnderTest, alerts: PayloadAlert[]) =>
    fetch(`${target.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.webhookToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(webhookBody(alerts)),
    });
  const idOf = async (target: ControlPlaneUnderTest, fingerprint: string) =>
    (await target.database.db.selectFrom('alerts').select('id').where('fingerprint', '=', fingerprint).executeTakeFirstOrThrow()).id;
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { headers: { cookie: viewer.cookie, ...headers }, redirect: 'manual' });
    return { status: response.status, headers: response.headers, html: await response.text() };
  };
  const chartOf = async (fingerprint: string) => get(`${controlPlane.url}/alerts/${await idOf(controlPlane, fingerprint)}/chart`, { 'HX-Request-Type': 'partial' });
  const dataBlock = (html: string): ChartData => JSON.parse(html.match(/<script type="application\/json" data-testid="chart-data">(.*?)<\/script>/s)?.[1] ?? 'null');

  beforeAll(async () => {
    victoriaMetrics = await startVictoriaMetrics();
    const lines = sampleTimes.flatMap((time, index) => [
      `chart_test_cpu{instance="web-1:9100"} ${index % 10} ${time}`,
      `chart_test_hostile{note="${hostileLabel}"} 1 ${time}`,
      ...Array.from({ length: 25 }, (_, series) => `chart_test_many{index="${series}"} ${series} ${time}`),
    ]);
    await victoriaMetrics.importPrometheus(`${lines.join('\n')}\n`);

    controlPlane = await startControlPlane({ env: { VM_URL: victoriaMetrics.url, GRAFANA_URL: grafanaUrl } });
    unconfigured = await startControlPlane();
    viewer = await controlPlane.sessionFor(['viewer']);
    const at = startsAt.toISOString();
    await ingest(controlPlane, [
      fromPrometheus(firing('c1', at, { instance: 'web-1:9100' }), 'chart_test_cpu'),
      firing('c2', at, { alertname: 'NoSource' }), // the vmalert URL without -external.alert.source
      fromPrometheus(firing('c3', at, { alertname: 'Broken' }), 'sum(chart_test_cpu) by (<b>instance</b>'),
      fromPrometheus(firing('c4', at, { alertname: 'Many' }), 'chart_test_many'),
      fromPrometheus(firing('c5', at, { alertname: 'Hostile' }), 'chart_test_hostile'),
      fromPrometheus(firing('c6', at, { alertname: 'Gone' }), 'chart_test_cpu'),
    ]);
    await controlPlane.database.db.insertInto('devices').values({ name: 'web-1', kind: 'host', labels: { role: 'web' } }).execute();
    await ingest(unconfigured, [fromPrometheus(firing('c1', at, { instance: 'web-1:9100' }), 'chart_test_cpu')]);
    await unconfigured.database.db.insertInto('devices').values({ name: 'web-1', kind: 'host', labels: {} }).execute();
  });
  afterAll(async () => {
    await controlPlane?.close();
    await unconfigured?.close();
    await victoriaMetrics?.stop();
  });

  it('renders the page at once with a placeholder that loads the chart', async () => {
    const id = await idOf(controlPlane, 'c1');
    const { status, html } = await get(`${controlPlane.url}/alerts/${id}`);
    expect(status).toBe(200);
    const placeholder = html.match(new RegExp(`<div id="${alertChartId}"[^>]*>`))?.[0] ?? '';
    expect(placeholder).toContain(`hx-get="/alerts/${id}/chart"`);
    expect(placeholder).toContain('hx-trigger="load"');
    expect(placeholder).toContain('hx-swap="outerHTML"');
    expect(html).toContain('<script type="module" src="/assets/alert-chart.js"></script>');
    expect(html).not.toContain('data-alert-chart');
  });

  it('serves the chart fragment with the series, the window and the alert’s start', async () => {
    const { status, html } = await chartOf('c1');
    expect(status).toBe(200);
    expect(html.startsWith(`<div id="${alertChartId}"`)).toBe(true);
    expect(html).toContain('<code class="break-all rounded bg-slate-100 px-1" data-testid="chart-expression">chart_test_cpu</code>');
    const data = dataBlock(html);
    expect(data.series.map((series) => series.name)).toEqual(['chart_test_cpu{instance="web-1:9100"}']);
    expect(data.markers).toEqual([{ label: 'started', at: startsAt.getTime() / 1000 }]);
    expect(data.window.end - data.window.start).toBeCloseTo(2.5 * 3600, -1);
    // Every value VictoriaMetrics returns is one that was imported (0..9), none made up.
    const values = data.series[0]!.values.filter((value) => value !== null);
    expect(values.length).toBeGreaterThan(100);
    expect(new Set(values)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(data.timestamps).toHaveLength(data.series[0]!.values.length);
  });

  it('says so plainly when the alert carries no expression, without loading anything', async () => {
    const { html } = await get(`${controlPlane.url}/alerts/${await idOf(controlPlane, 'c2')}`);
    expect(html).toContain('This alert carries no expression to chart');
    expect(html).not.toContain('/chart"');
    expect((await chartOf('c2')).html).toContain('This alert carries no expression to chart');
  });

  it('shows VictoriaMetrics’ reason for rejecting a bad expression, escaped, with a retry', async () => {
    const { status, html } = await chartOf('c3');
    expect(status).toBe(200);
    expect(html).toContain('VictoriaMetrics rejected the query');
    const failure = html.match(/data-testid="chart-failure">(.*?)<\/p>/s)?.[1] ?? '';
    expect(failure).toMatch(/^VictoriaMetrics answered 4\d\d to sum\(chart_test_cpu\) by \(&lt;b>instance&lt;\/b>: .*unexpected token/);
    expect(html).not.toContain('<b>');
    expect(html).toMatch(new RegExp(`<button type="button" hx-get="/alerts/[0-9a-f-]{36}/chart" hx-target="#${alertChartId}" hx-swap="outerHTML"[^>]*>\\s*Retry`));
    expect(html).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('draws at most 20 series and says the rest were left out', async () => {
    const { html } = await chartOf('c4');
    expect(html).toContain('data-testid="chart-truncated"');
    expect(html).toContain('showing the first 20');
    expect(dataBlock(html).series).toHaveLength(20);
  });

  it('carries label values verbatim in the data block, where they cannot close the script element', async () => {
    const { html } = await chartOf('c5');
    expect(html.match(/<\/script/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    expect(dataBlock(html).series.map((series) => series.name)).toEqual([`chart_test_hostile{note=${JSON.stringify(hostileLabel)}}`]);
  });

  it('sends someone who opens the fragment URL directly to the alert page', async () => {
    const id = await idOf(controlPlane, 'c1');
    const response = await get(`${controlPlane.url}/alerts/${id}/chart`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/alerts/${id}`);
  });

  it('embeds the related device’s Grafana dashboard and lets the CSP frame Grafana only', async () => {
    const id = await idOf(controlPlane, 'c1');
    const { html, headers } = await get(`${controlPlane.url}/alerts/${id}`);
    const sources = [...html.matchAll(/<iframe src="([^"]+)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));
    expect(sources).toHaveLength(1);
    const source = new URL(sources[0]!);
    expect(`${source.origin}${source.pathname}`).toBe(`${grafanaUrl}/d/sre-host-overview/`);
    expect(source.search).toMatch(/^\?orgId=1&kiosk&from=\d+&to=\d+&var-instance=web-1%3A9100$/);
    expect(Number(source.searchParams.get('from'))).toBe(startsAt.getTime() - 2 * 3_600_000 - (startsAt.getTime() % 1000));
    expect(headers.get('content-security-policy')).toContain(`frame-src 'self' ${grafanaUrl}`);
  });

  it('without VM_URL and GRAFANA_URL says VictoriaMetrics is not configured and frames nothing', async () => {
    const unconfiguredViewer = await unconfigured.sessionFor(['viewer']);
    const response = await fetch(`${unconfigured.url}/alerts/${await idOf(unconfigured, 'c1')}`, { headers: { cookie: unconfiguredViewer.cookie } });
    const html = await response.text();
    expect(html).toContain('VictoriaMetrics is not configured (set VM_URL).');
    expect(html).not.toContain('<iframe');
    expect(html).not.toContain('/assets/alert-chart.js');
    expect(response.headers.get('content-security-policy')).not.toContain('frame-src');
  });

  // Last: it stops VictoriaMetrics.
  it('names the failure when VictoriaMetrics is down, and the page itself still renders', async () => {
    await victoriaMetrics.stop();
    const { status, html } = await chartOf('c6');
    expect(status).toBe(200);
    expect(html).toContain('VictoriaMetrics could not be reached');
    expect(html).toContain(`VictoriaMetrics at ${new URL(victoriaMetrics.url).host} could not be reached`);
    expect(html).toContain('Retry');
    expect((await get(`${controlPlane.url}/alerts/${await idOf(controlPlane, 'c6')}`)).status).toBe(200);
  });
});
