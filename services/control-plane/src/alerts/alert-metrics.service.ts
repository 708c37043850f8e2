import { UpstreamError } from '@sre/service-kit';
import type { VictoriaMetricsClient } from '@sre/victoriametrics';
import type { AlertDetail } from './alert';
import { alertExpression, chartData, chartLimits, chartRange, type AlertChart, type AlertMetrics } from './alert-chart';
import type { AlertService } from './alerts.service';
import { dashboardsForAlert, type GrafanaSettings } from './grafana-dashboard';

export interface AlertMetricsService {
  /** The metrics part of an alert's page, without querying anything (the chart loads afterwards). */
  overview(detail: AlertDetail): AlertMetrics;
  /** Queries VictoriaMetrics for the alert's expression over its window; an upstream failure is a state, not an exception. */
  chart(alertId: string): Promise<AlertChart>;
}

export interface AlertMetricsDependencies {
  alerts: AlertService;
  /** Undefined when VM_URL is not set. */
  victoriaMetrics: VictoriaMetricsClient | undefined;
  /** Undefined when GRAFANA_URL is not set. */
  grafana: GrafanaSettings | undefined;
  now?: () => Date;
}

/** The alert's own expression charted from VictoriaMetrics, and its devices' Grafana dashboards. */
export function createAlertMetricsService({ alerts, victoriaMetrics, grafana, now = () => new Date() }: AlertMetricsDependencies): AlertMetricsService {
  const chartBeforeQuerying = (alert: AlertDetail['alert']): AlertChart => {
    if (!victoriaMetrics) return { status: 'not_configured' };
    const expression = alertExpression(alert.generatorUrl);
    return expression ? { status: 'loading', alertId: alert.id, expression } : { status: 'no_expression' };
  };

  return {
    overview(detail) {
      const { alert } = detail;
      return {
        chart: chartBeforeQuerying(alert),
        dashboards: grafana ? dashboardsForAlert(grafana, alert.labels, detail.relatedDevices, chartRange(alert, now())) : [],
      };
    },
    async chart(alertId) {
      // The chart needs the alert alone, not the page's occurrences and related devices.
      const alert = await alerts.find(alertId);
      const planned = chartBeforeQuerying(alert);
      if (planned.status !== 'loading' || !victoriaMetrics) return planned;
      const { expression } = planned;
      const range = chartRange(alert, now());
      try {
        const result = await victoriaMetrics.queryRange(expression, range, { maxSeries: chartLimits.maxSeries });
        return { status: 'ok', alertId, expression, range, data: chartData(result, range, alert), truncated: result.truncated };
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        return { status: 'failed', alertId, expression, failure: error.kind, message: error.message };
      }
    },
  };
}
