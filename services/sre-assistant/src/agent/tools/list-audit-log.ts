import { z } from 'zod';
import { maxHistoryItems, type AuditLogEntry, type ControlPlaneClient } from '../../integrations/control-plane.client';
import { clipText } from './clipped-text';
import type { ToolLimits } from './limits';
import { formatTime, lookupWindow, lookupWindowFields } from './time-window';
import { defineTool } from './tool';
import { windowedListingResult, type ListingWording } from './windowed-listing';

/** Characters shown of each entry's details, as JSON (a device update carries both versions of its labels). */
const maxDetailsCharacters = 300;

const wording: ListingWording = {
  field: 'entries',
  noun: { one: 'audit entry', many: 'audit entries' },
  inWindow: 'recorded',
  nothingMatched: 'Nothing was recorded',
  moreMatched: 'More entries matched',
  filters: 'action or target',
  clipped: { part: 'details', note: `details longer than ${maxDetailsCharacters} characters are shown as the start of their JSON, ending in …` },
};

/** `list_audit_log`: what people and automation did in the control plane in a window (default: the hour before now), newest first, bounded to limits.maxItems. */
export function createListAuditLogTool(inventory: Pick<ControlPlaneClient, 'listAuditEntries'>, limits: ToolLimits) {
  const input = z.object({
    ...lookupWindowFields(limits.maxRangeHours),
    action: z
      .string()
      .max(100)
      .regex(/^[a-z][a-z_]*(\.[a-z_]+)*\.?$/)
      .optional()
      .describe('Only this action, e.g. device.update, or every action under a prefix ending in a dot, e.g. device. or diagnosis. Optional.'),
    target: z
      .object({
        type: z.string().regex(/^[a-z][a-z_]{0,63}$/).describe('What the action was done to, e.g. device or alert.'),
        id: z.string().min(1).max(200).describe('Its id, e.g. a device id from list_devices.'),
      })
      .optional()
      .describe('Only entries about this one thing. Optional.'),
  });

  return defineTool({
    name: 'list_audit_log',
    description:
      `Lists the control plane's audit log in a time window (at most ${limits.maxItems} entries, newest first): who (a user id, a service, automation) did what ` +
      '(device.create, device.update, alert.acknowledge, alerts.received, diagnosis.requested, user.login…) to which target, with details. ' +
      'Use it to find changes that preceded an incident, such as an edited device, after list_alert_history has shown when the trouble started.',
    input,
    async run({ start, end, action, target }, { now, signal }) {
      const window = lookupWindow({ start, end }, now, limits.maxRangeHours);
      const log = await inventory.listAuditEntries({ since: window.start, until: window.end, action, target, limit: Math.min(limits.maxItems, maxHistoryItems) }, { signal });
      return windowedListingResult(wording, {
        window,
        found: log,
        criteria: [
          action !== undefined && (action.endsWith('.') ? `with actions ${action}*` : `with action ${action}`),
          target !== undefined && `about ${target.type} ${target.id}`,
        ],
        viewOf: entryView,
        limits,
      });
    },
  });
}

// An entry as the model sees it: the target in one field, long details cut to the start of their JSON.
function entryView(entry: AuditLogEntry) {
  const details = JSON.stringify(entry.details);
  const shown = clipText(details, maxDetailsCharacters);
  return {
    clipped: shown.clipped,
    view: {
      id: entry.id,
      at: formatTime(new Date(entry.at)),
      actor: entry.actor,
      actorType: entry.actorType,
      action: entry.action,
      target: entry.targetType === null ? null : { type: entry.targetType, id: entry.targetId },
      details: shown.clipped ? shown.text : entry.details,
    },
  };
}
