import { z } from 'zod';
import { UpstreamError } from '@sre/service-kit';
import type { DashboardPanel, GrafanaClient } from '../../integrations/grafana.client';
import { clipText } from './clipped-text';
import type { ToolLimits } from './limits';
import { selectFirst } from './selection';
import { defineTool, ToolError } from './tool';

/** Characters shown of each query; dashboards' own rarely run longer, generated ones can. */
const maxExpressionCharacters = 500;

/** `get_dashboard_queries`: a Grafana dashboard's panels (rows flattened) with their queries and data sources, and its variables, bounded to limits.maxItems. */
export function createGetDashboardQueriesTool(grafana: Pick<GrafanaClient, 'getDashboard'>, limits: ToolLimits) {
  const input = z.object({
    uid: z
      .string()
      .min(1)
      .max(40)
      .regex(/^[\w-]+$/)
      .describe("The dashboard's uid (letters, digits, - and _), from search_dashboards or a device's grafana_dashboard label, e.g. sre-host-overview."),
  });

  return defineTool({
    name: 'get_dashboard_queries',
    description:
      `Reads one Grafana dashboard: its template variables with their saved values, and its panels (at most ${limits.maxItems}; panels inside rows included, panels without a query left out) ` +
      'with each query: refId, data source (null: the dashboard default) and expression (PromQL for Prometheus-type sources). Use it after search_dashboards to learn which series people chart for a service, ' +
      'then run those queries with query_metrics_range, variables replaced by values.',
    input,
    async run({ uid }, { signal }) {
      const dashboard = await grafana.getDashboard(uid, { signal }).catch((error: unknown) => {
        if (error instanceof UpstreamError && error.status === 404) {
          throw new ToolError(`No dashboard has the uid ${uid}. search_dashboards finds dashboards by title or tag.`, { cause: error });
        }
        if (error instanceof UpstreamError && error.status === 403) {
          throw new ToolError(`The assistant's Grafana account may not view dashboard ${uid}: use another dashboard.`, { cause: error });
        }
        throw error;
      });
      const withQueries = dashboard.panels.filter((panel) => panel.queries.length > 0);
      const selection = selectFirst(withQueries, limits.maxItems, { one: 'panel with queries', many: 'panels with queries' });
      const variables = selectFirst(dashboard.variables, limits.maxItems, { one: 'variable', many: 'variables' });
      const panels = selection.items.map(panelView);
      const queries = panels.flatMap((panel) => panel.queries);
      const clipped = panels.filter((panel) => panel.clipped).length;
      const hint = [
        withQueries.length === 0 && 'No panel of this dashboard has a query of its own (text panels, library panels): try another dashboard.',
        queries.some((query) => query.expression?.includes('$')) &&
          'Queries use dashboard variables ($instance, ${datasource}) and Grafana’s own ($__rate_interval, $__interval): replace them with values (the saved ones are listed) before running a query.',
        queries.some((query) => query.expression === null) && 'Queries whose expression is null were built in a visual editor and have no text to run.',
        selection.truncated && 'Not every panel with queries is listed: the first in the dashboard’s order are.',
      ]
        .filter((part) => typeof part === 'string')
        .join(' ');
      return {
        content: {
          uid: dashboard.uid,
          title: dashboard.title,
          url: dashboard.url,
          variables: variables.items,
          panels: panels.map((panel) => panel.view),
          ...(clipped > 0 && { clipped: `expressions longer than ${maxExpressionCharacters} characters end in … where they were cut` }),
          ...(hint && { hint }),
        },
        summary:
          `${dashboard.title}: ${selection.description}, ${queries.length} ${queries.length === 1 ? 'query' : 'queries'}, ${variables.description}` +
          (clipped > 0 ? `, expressions clipped in ${clipped} ${clipped === 1 ? 'panel' : 'panels'}` : ''),
        truncated: selection.truncated || variables.truncated || clipped > 0,
      };
    },
  });
}

// A panel as the model sees it: the row only when there is one, data sources as Grafana names them, long queries cut.
function panelView(panel: DashboardPanel) {
  let clipped = false;
  const queries = panel.queries.map((query) => {
    const shown = query.expression === null ? null : clipText(query.expression, maxExpressionCharacters);
    clipped ||= shown?.clipped ?? false;
    return { refId: query.refId, datasource: query.datasource, expression: shown?.text ?? null, ...(query.hidden && { hidden: true }) };
  });
  return { clipped, queries, view: { title: panel.title, type: panel.type, ...(panel.row !== null && { row: panel.row }), queries } };
}
