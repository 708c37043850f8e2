import { z } from 'zod';
import { UpstreamError } from '@sre/service-kit';
import { maxHistoryItems, type ControlPlaneClient, type HistoricalAlert } from '../../integrations/control-plane.client';
import { clipText } from './clipped-text';
import type { ToolLimits } from './limits';
import { formatTime, lookupWindow, lookupWindowFields } from './time-window';
import { defineTool, ToolError } from './tool';
import { windowedListingResult, type ListingWording } from './windowed-listing';

/** Characters shown of each annotation (summaries and descriptions can run to kilobytes). */
const maxAnnotationCharacters = 300;

const wording: ListingWording = {
  field: 'alerts',
  noun: { one: 'alert', many: 'alerts' },
  inWindow: 'active',
  nothingMatched: 'No alert was active',
  moreMatched: 'More alerts matched',
  filters: 'device, alertname or status',
  clipped: { part: 'annotations', note: `annotations longer than ${maxAnnotationCharacters} characters end in … where they were cut` },
};

/** `list_alert_history`: the alerts active in a window (default: the hour before now), optionally of one device, name or status, newest first, bounded to limits.maxItems. */
export function createListAlertHistoryTool(inventory: Pick<ControlPlaneClient, 'listAlerts'>, limits: ToolLimits) {
  const input = z.object({
    ...lookupWindowFields(limits.maxRangeHours),
    device: z.uuid().optional().describe('Only alerts about this device: its id (a UUID) from list_devices or get_device. Optional.'),
    alertname: z.string().min(1).optional().describe('Only alerts with exactly this alertname label, e.g. HighRequestLatency. Optional.'),
    status: z.enum(['firing', 'resolved']).optional().describe('Only alerts still firing, or only those that have resolved. Optional.'),
  });

  return defineTool({
    name: 'list_alert_history',
    description:
      `Lists the alerts that were active at any point in a time window (at most ${limits.maxItems}, newest first): name, status, labels, annotations, ` +
      'when each started and ended, whether someone acknowledged it. Use it to see what else fired around an incident, whether an alert keeps coming back, ' +
      'or, with device from list_devices, everything a device alerted on; list_audit_log then shows what people and automation changed in the same window.',
    input,
    async run({ start, end, device, alertname, status }, { now, signal }) {
      const window = lookupWindow({ start, end }, now, limits.maxRangeHours);
      const history = await inventory
        .listAlerts({ since: window.start, until: window.end, device, alertname, status, limit: Math.min(limits.maxItems, maxHistoryItems) }, { signal })
        .catch((error: unknown) => {
          if (device !== undefined && error instanceof UpstreamError && error.status === 404) {
            throw new ToolError(`No device has the id ${device}. list_devices finds devices by part of their name or by a label.`, { cause: error });
          }
          throw error;
        });
      return windowedListingResult(wording, {
        window,
        found: history,
        criteria: [device !== undefined && `of device ${device}`, alertname !== undefined && `named ${alertname}`, status !== undefined && `now ${status}`],
        viewOf: alertView,
        limits,
      });
    },
  });
}

// An alert as the model sees it: its name up front, times as the tools write them, long annotations cut.
function alertView(alert: HistoricalAlert) {
  const { alertname = '(unnamed)', ...labels } = alert.labels;
  let clipped = false;
  const annotations = Object.fromEntries(
    Object.entries(alert.annotations).map(([name, value]) => {
      const shown = clipText(value, maxAnnotationCharacters);
      clipped ||= shown.clipped;
      return [name, shown.text];
    }),
  );
  return {
    clipped,
    view: {
      id: alert.id,
      alertname,
      status: alert.status,
      startsAt: formatTime(new Date(alert.startsAt)),
      endsAt: alert.endsAt === null ? null : formatTime(new Date(alert.endsAt)),
      acknowledged: alert.acknowledgedAt !== null,
      labels,
      annotations,
    },
  };
}
