import { z } from 'zod';
import { maxGrafanaListItems, type GrafanaClient } from '../../integrations/grafana.client';
import type { ToolLimits } from './limits';
import { selectFirst } from './selection';
import { defineTool } from './tool';

/** `search_dashboards`: Grafana's dashboards by part of their title and/or tags, by title, bounded to limits.maxItems. */
export function createSearchDashboardsTool(grafana: Pick<GrafanaClient, 'searchDashboards'>, limits: ToolLimits) {
  const input = z.object({
    query: z.string().min(1).max(200).optional().describe('Part of the dashboard title, any case, e.g. node or checkout. Optional.'),
    tags: z
      .array(z.string().min(1).max(100))
      .max(5)
      .optional()
      .describe('Only dashboards that carry every one of these tags, e.g. ["linux"]. Optional.'),
  });

  return defineTool({
    name: 'search_dashboards',
    description:
      `Searches Grafana's dashboards by part of the title and by tags (at most ${limits.maxItems}, by title): uid, title, folder, tags and link. ` +
      'Use it to find the dashboards people watch for a service or host; get_dashboard_queries then shows what a dashboard charts, and list_annotations what was marked on it.',
    input,
    async run({ query, tags = [] }, { signal }) {
      const found = await grafana.searchDashboards({ query, tags, limit: Math.min(limits.maxItems, maxGrafanaListItems), signal });
      const selection = selectFirst(found.items, limits.maxItems, { one: 'dashboard', many: 'dashboards' }, found.truncated);
      const criteria = [query !== undefined && `whose title contains ${JSON.stringify(query)}`, tags.length > 0 && `tagged ${tags.join(', ')}`].filter(
        (criterion) => typeof criterion === 'string',
      );
      const hint =
        found.items.length === 0
          ? `No dashboard matched${criteria.length ? ': try a shorter part of the title, or fewer tags' : ': this Grafana has none the assistant may view'}.`
          : selection.truncated
            ? 'More dashboards matched than are shown (the first by title are): narrow the search by title or tag.'
            : undefined;
      return {
        content: {
          dashboards: selection.items.map(({ uid, title, folderTitle, tags: dashboardTags, url }) => ({ uid, title, folder: folderTitle, tags: dashboardTags, url })),
          ...(hint && { hint }),
        },
        summary: [selection.description, ...criteria].join(' '),
        truncated: selection.truncated,
      };
    },
  });
}
