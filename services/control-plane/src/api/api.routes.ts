import { z } from 'zod';
import type { Alert } from '../alerts/alert';
import type { AlertService } from '../alerts/alerts.service';
import type { AuditEntry } from '../audit/audit';
import type { AuditService } from '../audit/audit.service';
import type { DeviceService } from '../devices/devices.service';
import type { Device } from '../devices/device';
import { AppError } from '../errors';
import type { RouteSpec } from '../web/access';
import { parseAlertHistoryQuery, parseAuditQuery, parseDevicePageQuery } from './api.input';

const readScope = { scope: 'controlplane.read' };
const deviceParams = z.object({ id: z.uuid() });

export interface ApiServices {
  devices: DeviceService;
  alerts: AlertService;
  audit: AuditService;
}

/** The read-only API for the assistant and automation, behind client-credentials tokens. */
export function apiRoutes({ devices, alerts, audit }: ApiServices, version: string): RouteSpec[] {
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
      handler: async (request, response) => {
        const page = await devices.listPage(parseDevicePageQuery(request.query));
        response.json({ items: page.devices.map(deviceJson), next: page.nextCursor ?? null });
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
    {
      method: 'get',
      path: '/api/v1/alerts',
      access: readScope,
      handler: async (request, response) => {
        const history = await alerts.history(parseAlertHistoryQuery(request.query, new Date()));
        response.json({ items: history.alerts.map(alertJson), truncated: history.truncated });
      },
    },
    {
      method: 'get',
      path: '/api/v1/audit',
      access: readScope,
      handler: async (request, response) => {
        // Details go out as recorded: every event the control plane writes (device fields, alert
        // batch counts, login roles, the question asked, failure kinds and messages) is about what
        // changed and who asked, never a credential. The request id only correlates our own logs.
        const page = await audit.list(parseAuditQuery(request.query, new Date()));
        response.json({ items: page.entries.map(auditEntryJson), truncated: page.truncated });
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

const alertJson = (alert: Alert) => ({
  id: alert.id,
  fingerprint: alert.fingerprint,
  status: alert.status,
  labels: alert.labels,
  annotations: alert.annotations,
  startsAt: alert.startsAt.toISOString(),
  endsAt: alert.endsAt?.toISOString() ?? null,
  acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
});

const auditEntryJson = (entry: AuditEntry) => ({
  id: entry.id,
  at: entry.at.toISOString(),
  actor: entry.actor,
  actorType: entry.actorType,
  action: entry.action,
  targetType: entry.targetType,
  targetId: entry.targetId,
  details: entry.details,
});
