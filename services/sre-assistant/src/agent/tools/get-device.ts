import { z } from 'zod';
import { UpstreamError } from '@sre/service-kit';
import type { ControlPlaneCallOptions, ControlPlaneClient, InventoryDeviceDetail } from '../../integrations/control-plane.client';
import type { ToolLimits } from './limits';
import { selectFirst } from './selection';
import { defineTool, ToolError } from './tool';

type Inventory = Pick<ControlPlaneClient, 'listDevices' | 'getDevice'>;

const isUuid = (text: string) => z.uuid().safeParse(text).success;

/** The device with this id, or else with this exact name; undefined when there is none. */
async function findDevice(inventory: Inventory, idOrName: string, options: ControlPlaneCallOptions): Promise<InventoryDeviceDetail | undefined> {
  if (isUuid(idOrName)) {
    try {
      return await inventory.getDevice(idOrName, options);
    } catch (error) {
      // Not an id the inventory knows: it may still be a name.
      if (!(error instanceof UpstreamError && error.status === 404)) throw error;
    }
  }
  const named = (await inventory.listDevices(options)).find((device) => device.name === idOrName);
  return named && inventory.getDevice(named.id, options);
}

/** `get_device`: one device of the inventory by id or exact name, with its labels and its dependencies both ways (each bounded to limits.maxItems). */
export function createGetDeviceTool(inventory: Inventory, limits: ToolLimits) {
  const input = z.object({
    device: z.string().min(1).describe('The device id (a UUID) or its exact name, e.g. db-1.'),
  });

  return defineTool({
    name: 'get_device',
    description:
      'Gets one device of the inventory (a host, service, database…) by id or exact name: its kind, its labels (which tie it to metrics and alerts), ' +
      'the devices it depends on and the devices that depend on it. Use list_devices first when you know only part of the name.',
    input,
    async run({ device }, { signal }) {
      const found = await findDevice(inventory, device, { signal });
      if (!found) throw new ToolError(`No device has the id or name ${JSON.stringify(device)}. list_devices finds devices by part of their name or by a label.`);
      const dependsOn = selectFirst(found.dependsOn, limits.maxItems, { one: 'dependency', many: 'dependencies' });
      const dependents = selectFirst(found.dependents, limits.maxItems, { one: 'dependent', many: 'dependents' });
      const truncated = dependsOn.truncated || dependents.truncated;
      return {
        content: {
          id: found.id,
          name: found.name,
          kind: found.kind,
          labels: found.labels,
          dependsOn: dependsOn.items,
          dependents: dependents.items,
          ...(truncated && { hint: 'Not every dependency is listed; get_device on one of them shows its own.' }),
        },
        summary: `${found.name} (${found.kind}): ${dependsOn.description}, ${dependents.description}`,
        truncated,
      };
    },
  });
}
