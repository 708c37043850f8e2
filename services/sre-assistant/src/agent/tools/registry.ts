import type { VictoriaMetricsClient } from '@sre/victoriametrics';
import type { AlertDiagnoser } from '../../analysis/alert-diagnoser';
import type { ControlPlaneClient } from '../../integrations/control-plane.client';
import type { GrafanaClient } from '../../integrations/grafana.client';
import { createFindMetricSeriesTool } from './find-metric-series';
import { createGetDashboardQueriesTool } from './get-dashboard-queries';
import { createGetDeviceTool } from './get-device';
import type { ToolLimits } from './limits';
import { createListAlertHistoryTool } from './list-alert-history';
import { createListAnnotationsTool } from './list-annotations';
import { createListAuditLogTool } from './list-audit-log';
import { createListDevicesTool } from './list-devices';
import { createListMetricLabelsTool } from './list-metric-labels';
import { createQueryMetricsInstantTool } from './query-metrics-instant';
import { createQueryMetricsRangeTool } from './query-metrics-range';
import { createRankRootCausesTool } from './rank-root-causes';
import { createSearchDashboardsTool } from './search-dashboards';
import type { AgentTool } from './tool';

export interface ToolRegistryDependencies {
  /** Undefined when VM_URL is not set: no metrics tools. */
  metrics?: VictoriaMetricsClient;
  /** Undefined when the assistant cannot call the control plane: no inventory tools. */
  inventory?: Pick<ControlPlaneClient, 'listDevices' | 'getDevice' | 'listAlerts' | 'listAuditEntries'>;
  /** Undefined when GRAFANA_URL is not set: no dashboard or annotation tools. */
  grafana?: GrafanaClient;
  /** The deterministic ranking, offered when metrics are configured (it has nothing to rank without them). */
  diagnoser?: AlertDiagnoser;
  limits: ToolLimits;
}

/** The read-only tools whose integration is configured, each bounded by `limits`. */
export function createToolRegistry({ metrics, inventory, grafana, diagnoser, limits }: ToolRegistryDependencies): AgentTool[] {
  return [
    ...(metrics
      ? [
          createFindMetricSeriesTool(metrics, limits),
          createListMetricLabelsTool(metrics, limits),
          createQueryMetricsInstantTool(metrics, limits),
          createQueryMetricsRangeTool(metrics, limits),
        ]
      : []),
    ...(inventory
      ? [createListDevicesTool(inventory, limits), createGetDeviceTool(inventory, limits), createListAlertHistoryTool(inventory, limits), createListAuditLogTool(inventory, limits)]
      : []),
    ...(grafana ? [createSearchDashboardsTool(grafana, limits), createGetDashboardQueriesTool(grafana, limits), createListAnnotationsTool(grafana, limits)] : []),
    ...(metrics && diagnoser ? [createRankRootCausesTool(diagnoser)] : []),
  ];
}
