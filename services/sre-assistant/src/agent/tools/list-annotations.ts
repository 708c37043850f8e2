import { z } from 'zod';
import { maxGrafanaListItems, type GrafanaAnnotation, type GrafanaClient } from '../../integrations/grafana.client';
import { clipText } from './clipped-text';
import type { ToolLimits } from './limits';
import { selectFirst } from './selection';
import { formatTime, isoTimeSchema, lookupWindow } from './time-window';
import { defineTool } from './tool';

/** Characters shown of each annotation's text (pipelines paste changelogs into them). */
const maxTextCharacters = 300;

/** `list_annotations`: Grafana annotations in a window (default: the hour before now), optionally of one dashboard or with tags, newest first, bounded to limits.maxItems. */
export function createListAnnotationsTool(grafana: Pick<GrafanaClient, 'listAnnotations'>, limits: ToolLimits) {
  const input = z.object({
    start: isoTimeSchema.optional().describe('Start of the window: ISO 8601 with an offset. Defaults to an hour before end.'),
    end: isoTimeSchema.optional().describe(`End of the window: ISO 8601 with an offset, at most ${limits.maxRangeHours} hours after start. Defaults to now.`),
    dashboardUid: z
      .string()
      .min(1)
      .max(40)
      .regex(/^[\w-]+$/)
      .optional()
      .describe('Only annotations of this dashboard: its uid from search_dashboards. Optional; without it every dashboard’s annotations and organisation-wide ones are listed.'),
    tags: z
      .array(z.string().min(1).max(100))
      .max(5)
      .optional()
      .describe('Only annotations that carry every one of these tags, e.g. ["deploy"]. Optional.'),
  });

  return defineTool({
    name: 'list_annotations',
    description:
      `Lists Grafana annotations that overlap a time window (at most ${limits.maxItems}, newest first): time, end of a region, text, tags, dashboard. ` +
      'Deploy pipelines and people mark deploys, migrations and maintenance there, so use it to find a change just before an incident began; the tag deploy often narrows it. ' +
      'Alert state changes are left out.',
    input,
    async run({ start, end, dashboardUid, tags = [] }, { now, signal }) {
      const window = lookupWindow({ start, end }, now, limits.maxRangeHours);
      const found = await grafana.listAnnotations({ from: window.start, to: window.end, dashboardUid, tags, limit: Math.min(limits.maxItems, maxGrafanaListItems), signal });
      const selection = selectFirst(found.items, limits.maxItems, { one: 'annotation', many: 'annotations' }, found.truncated);
      const annotations = selection.items.map(annotationView);
      const clipped = annotations.filter((annotation) => annotation.clipped).length;
      const criteria = [dashboardUid !== undefined && `of dashboard ${dashboardUid}`, tags.length > 0 && `tagged ${tags.join(', ')}`].filter(
        (criterion) => typeof criterion === 'string',
      );
      const hint =
        found.items.length === 0
          ? `Nothing was annotated in this window${criteria.length ? ' with these filters' : ''}: widen the window (up to ${limits.maxRangeHours} hours) or drop a filter.`
          : selection.truncated
            ? 'More annotations matched than are shown (the newest are): narrow the window, or filter by tag or dashboard.'
            : undefined;
      return {
        content: {
          start: formatTime(window.start),
          end: formatTime(window.end),
          annotations: annotations.map((annotation) => annotation.view),
          ...(clipped > 0 && { clipped: `texts longer than ${maxTextCharacters} characters end in … where they were cut` }),
          ...(hint && { hint }),
        },
        summary: [selection.description, ...criteria, `in ${formatTime(window.start)}–${formatTime(window.end)}`].join(' ') + (clipped > 0 ? `, texts of ${clipped} clipped` : ''),
        truncated: selection.truncated || clipped > 0,
      };
    },
  });
}

// An annotation as the model sees it: times as the tools write them, a region's end only for a region, long text cut.
function annotationView(annotation: GrafanaAnnotation) {
  const text = clipText(annotation.text, maxTextCharacters);
  return {
    clipped: text.clipped,
    view: {
      id: annotation.id,
      time: formatTime(annotation.time),
      ...(annotation.timeEnd !== null && { timeEnd: formatTime(annotation.timeEnd) }),
      text: text.text,
      tags: annotation.tags,
      dashboardUid: annotation.dashboardUid,
    },
  };
}
