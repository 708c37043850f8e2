import type { TimeRange } from '@sre/victoriametrics';
import type { Device } from '../devices/device';

export interface GrafanaSettings {
  /** GRAFANA_URL without a trailing slash; may carry a sub-path (`https://ops.example.com/grafana`). */
  url: string;
  /** The dashboard for devices that do not name their own (label `grafana_dashboard`). */
  dashboardUid: string;
}

/** One dashboard to embed on the alert page, for one related device. */
export interface GrafanaDashboard {
  deviceName: string;
  url: string;
}

/** Embedding more would make the page slow to load; the device pages are one click away. */
export const maxEmbeddedDashboards = 2;

/**
 * The kiosk-mode URL of a dashboard over a time range with `var-instance` set. `kiosk` is a bare
 * flag: Grafana reads it as true, while `kiosk=` (what URLSearchParams would write) is not
 * recognised by every version.
 */
export function grafanaDashboardUrl(settings: GrafanaSettings, uid: string, instance: string, range: Pick<TimeRange, 'start' | 'end'>): string {
  const parameters = new URLSearchParams({ from: String(range.start.getTime()), to: String(range.end.getTime()), 'var-instance': instance });
  return `${settings.url}/d/${encodeURIComponent(uid)}/?orgId=1&kiosk&${parameters}`;
}

/**
 * The dashboards to embed for an alert: one per related device whose instance is known (the
 * alert's `instance` label, else the device's), without duplicates, at most two. A device
 * without an instance is left out rather than shown with whatever host the dashboard defaults to.
 */
export function dashboardsForAlert(
  settings: GrafanaSettings,
  alertLabels: Record<string, string>,
  devices: Device[],
  range: Pick<TimeRange, 'start' | 'end'>,
): GrafanaDashboard[] {
  const dashboards: GrafanaDashboard[] = [];
  for (const device of devices) {
    const instance = alertLabels.instance || device.labels.instance;
    if (!instance) continue;
    const url = grafanaDashboardUrl(settings, device.labels.grafana_dashboard || settings.dashboardUid, instance, range);
    if (dashboards.some((dashboard) => dashboard.url === url)) continue;
    dashboards.push({ deviceName: device.name, url });
    if (dashboards.length === maxEmbeddedDashboards) break;
  }
  return dashboards;
}
