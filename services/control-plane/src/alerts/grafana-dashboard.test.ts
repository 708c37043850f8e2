import { describe, expect, it } from 'vitest';
import type { Device } from '../devices/device';
import { dashboardsForAlert, grafanaDashboardUrl } from './grafana-dashboard';

const settings = { url: 'https://ops.example.com/grafana', dashboardUid: 'sre-host-overview' };
const range = { start: new Date('2026-11-22T10:00:00Z'), end: new Date('2026-11-22T12:00:00Z') };
const device = (name: string, labels: Record<string, string> = {}): Device => ({
  id: `id-${name}`,
  name,
  kind: 'host',
  labels,
  owner: null,
  createdAt: range.start,
  updatedAt: range.start,
});

describe('Grafana dashboard URLs', () => {
  it('open the dashboard in kiosk mode over the range, with the instance variable', () => {
    expect(grafanaDashboardUrl(settings, 'sre-host-overview', 'web-1:9100', range)).toBe(
      'https://ops.example.com/grafana/d/sre-host-overview/?orgId=1&kiosk&from=1795341600000&to=1795348800000&var-instance=web-1%3A9100',
    );
  });

  it('escape whatever the labels hold', () => {
    const url = new URL(grafanaDashboardUrl(settings, '../admin?x=1', 'a&var-other=b"<x>', range));
    expect(url.pathname).toBe('/grafana/d/..%2Fadmin%3Fx%3D1/');
    expect(url.searchParams.get('var-instance')).toBe('a&var-other=b"<x>');
    expect(url.searchParams.has('var-other')).toBe(false);
  });
});

describe('the dashboards an alert page embeds', () => {
  it('uses the alert’s instance, else the device’s, and the device’s own dashboard when it names one', () => {
    const dashboards = dashboardsForAlert(settings, { alertname: 'HostDown' }, [device('web-1', { instance: 'web-1:9100' }), device('db-1', { instance: 'db-1:9100', grafana_dashboard: 'postgres' })], range);
    expect(dashboards.map((dashboard) => [dashboard.deviceName, new URL(dashboard.url).pathname, new URL(dashboard.url).searchParams.get('var-instance')])).toEqual([
      ['web-1', '/grafana/d/sre-host-overview/', 'web-1:9100'],
      ['db-1', '/grafana/d/postgres/', 'db-1:9100'],
    ]);
    const fromAlert = dashboardsForAlert(settings, { instance: 'web-2:9100' }, [device('web-2', { instance: 'ignored:1' })], range);
    expect(new URL(fromAlert[0]!.url).searchParams.get('var-instance')).toBe('web-2:9100');
  });

  it('embeds at most two, skips exact duplicates, and leaves out devices without an instance', () => {
    const devices = [device('no-instance'), device('a', { instance: 'a:1' }), device('a-again', { instance: 'a:1' }), device('b', { instance: 'b:1' }), device('c', { instance: 'c:1' })];
    expect(dashboardsForAlert(settings, {}, devices, range).map((dashboard) => dashboard.deviceName)).toEqual(['a', 'b']);
    // With the alert's instance every default-dashboard device would show the same thing: once is enough.
    expect(dashboardsForAlert(settings, { instance: 'x:1' }, devices, range).map((dashboard) => dashboard.deviceName)).toEqual(['no-instance']);
  });
});
