import { z } from 'zod';
import type { DeviceService } from '../devices/devices.service';
import type { Device } from '../devices/device';
import { AppError } from '../errors';
import type { RouteSpec } from '../web/access';

const readScope = { scope: 'controlplane.read' };
const deviceParams = z.object({ id: z.uuid() });

/** The read-only API for the assistant and automation, behind client-credentials tokens. */
export function apiRoutes(devices: DeviceService, version: string): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/api/v1/info',
      access: readScope,
      handler: (_request, response) => {
        const client = response.locals.client!;
        response.json({ service: 'control-plane', version, caller: { clientId: client.clientId, scopes: [...client.scopes].sort() } });
      },
    },
    {
      method: 'get',
      path: '/api/v1/devices',
      access: readScope,
      handler: async (_request, response) => {
        response.json({ items: (await devices.list()).map(deviceJson) });
      },
    },
    {
      method: 'get',
      path: '/api/v1/devices/:id',
      access: readScope,
      handler: async (request, response) => {
        const parsed = deviceParams.safeParse(request.params);
        if (!parsed.success) throw new AppError('not_found', 'the device was not found');
        const device = await devices.get(parsed.data.id);
        response.json({
          ...deviceJson(device),
          dependsOn: device.dependsOn,
          dependents: device.dependents,
        });
      },
    },
  ];
}

const deviceJson = (device: Device) => ({
  id: device.id,
  name: device.name,
  kind: device.kind,
  labels: device.labels,
  owner: device.owner,
  createdAt: device.createdAt.toISOString(),
  updatedAt: device.updatedAt.toISOString(),
});
