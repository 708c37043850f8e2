import { z } from 'zod';
import type { ControlPlaneClient, InventoryDevice } from '../../integrations/control-plane.client';
import type { ToolLimits } from './limits';
import { selectFirst } from './selection';
import { defineTool } from './tool';

/** `list_devices`: devices of the inventory by part of their name and/or one label, sorted by name and bounded to limits.maxItems. */
export function createListDevicesTool(inventory: Pick<ControlPlaneClient, 'listDevices'>, limits: ToolLimits) {
  const input = z.object({
    nameContains: z.string().min(1).optional().describe('Part of the device name, any case, e.g. web. Optional.'),
    label: z
      .object({
        name: z.string().min(1).describe('Label name, e.g. team.'),
        value: z.string().describe('Exact label value, e.g. payments.'),
      })
      .optional()
      .describe('Only devices that have this label with this value. Optional.'),
  });

  return defineTool({
    name: 'list_devices',
    description:
      `Lists devices of the inventory (at most ${limits.maxItems}, by name): id, name, kind and labels, optionally only those whose name contains a text or that have a label value. ` +
      'Use it to find the devices an alert or a question is about; get_device then shows one device with its dependencies.',
    input,
    async run({ nameContains, label }, { signal }) {
      const wanted = nameContains?.toLowerCase();
      const matches = (device: InventoryDevice) =>
        (wanted === undefined || device.name.toLowerCase().includes(wanted)) && (label === undefined || device.labels[label.name] === label.value);
      const found = (await inventory.listDevices({ signal })).filter(matches).sort((left, right) => left.name.localeCompare(right.name));
      const selection = selectFirst(found, limits.maxItems, { one: 'device', many: 'devices' });
      const criteria = [
        nameContains !== undefined && `whose name contains ${JSON.stringify(nameContains)}`,
        label !== undefined && `with ${label.name}=${JSON.stringify(label.value)}`,
      ].filter((criterion) => typeof criterion === 'string');
      const hint =
        found.length === 0
          ? 'No device matched: loosen the filters (a shorter part of the name, another label value) or list without them.'
          : selection.truncated
            ? 'Not every device is listed: narrow the search by name or label.'
            : undefined;
      return {
        content: { devices: selection.items.map(({ id, name, kind, labels }) => ({ id, name, kind, labels })), ...(hint && { hint }) },
        summary: [selection.description, ...criteria].join(' '),
        truncated: selection.truncated,
      };
    },
  });
}
