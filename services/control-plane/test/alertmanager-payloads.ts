/** Alertmanager webhook bodies (payload version 4) shaped exactly as Alertmanager 0.25 sends them. */
export interface PayloadAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  fingerprint: string;
}

export function webhookBody(alerts: PayloadAlert[], overrides: Record<string, unknown> = {}) {
  const status = alerts.some((alert) => alert.status === 'firing') ? 'firing' : 'resolved';
  return {
    receiver: 'sre-platform',
    status,
    alerts: alerts.map((alert) => ({
      annotations: {},
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://127.0.0.1:8880/vmalert/alert?group_id=1&alert_id=2',
      ...alert,
    })),
    groupLabels: { alertname: alerts[0]?.labels.alertname ?? '' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    version: '4',
    groupKey: '{}:{alertname="HostHighCpu"}',
    truncatedAlerts: 0,
    ...overrides,
  };
}

export const firing = (fingerprint: string, startsAt: string, labels: Record<string, string> = {}): PayloadAlert => ({
  status: 'firing',
  labels: { alertname: 'HostHighCpu', instance: 'web-1:9100', severity: 'critical', ...labels },
  annotations: { summary: 'CPU above 90 % for 2 minutes' },
  startsAt,
  fingerprint,
});

export const resolved = (alert: PayloadAlert, endsAt: string): PayloadAlert => ({ ...alert, status: 'resolved', endsAt });
