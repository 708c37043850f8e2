import { z } from 'zod';
import { maxGrafanaListItems, type GrafanaAnnotation, type GrafanaClient } from '../../integrations/grafana.client';
import { clipText } from './clipped-text';
import type { ToolLimits } from './limits';
import { formatTime, lookupWindow, lookupWindowFields } from './time-window';
import { defineTool } from './tool';
import { windowedListingResult, type ListingWording } from './windowed-listing';

/** Characters shown of each annotation's text (pipelines paste changelogs into them). */
const maxTextCharacters = 300;

const wording: ListingWording = {
  field: 'annotations',
  noun: { one: 'annotation', many: 'annotations' },
  inWindow: 'in',
  nothingMatched: 'Nothing was annotated',
  moreMatched: 'More annotations matched',
  filters: 'tag or dashboard',
  clipped: { part: 'texts', note: `texts longer than ${maxTextCharacters} characters end in … where they were cut` },
};

/** `list_annotations`: Grafana annotations in a window (default: the hour before now), optionally of one dashboard or with tags, newest first, bounded to limits.maxItems. */
export function createListAnnotationsTool(grafana: Pick<GrafanaClient, 'listAnnotations'>, limits: ToolLimits) {
  const input = z.object({
    ...lookupWindowFields(limits.maxRangeHours),
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
      return windowedListingResult(wording, {
        window,
        found,
        criteria: [dashboardUid !== undefined && `of dashboard ${dashboardUid}`, tags.length > 0 && `tagged ${tags.join(', ')}`],
        viewOf: annotationView,
        limits,
      });
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
