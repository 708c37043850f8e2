import type { AlertRow, Database, Kysely } from '@sre/db';
import type { Actor } from '../audit/audit';
import { recordAuditEvent } from '../audit/audit.service';
import type { DeviceService } from '../devices/devices.service';
import { notFound } from '../errors';
import {
  deviceNameCandidates,
  encodeCursor,
  type Alert,
  type AlertCursor,
  type AlertDetail,
  type AlertHistory,
  type AlertHistoryQuery,
  type AlertListFilter,
  type AlertPage,
} from './alert';
import * as repository from './alerts.repository';

export interface AlertService {
  list(filter: AlertListFilter, cursor: AlertCursor | undefined): Promise<AlertPage>;
  /** Alerts active at any point in the query's window, newest first; not_found when it names a device that does not exist. */
  history(query: AlertHistoryQuery): Promise<AlertHistory>;
  /** One alert alone; not_found when there is none. */
  find(id: string): Promise<Alert>;
  /** One alert with its occurrences and related devices (the alert page); not_found when there is none. */
  get(id: string): Promise<AlertDetail>;
  /** Records who took the alert; acknowledging twice keeps the first and is not an error. */
  acknowledge(id: string, actor: Actor, requestId: string): Promise<void>;
}

const pageSize = 50;
const occurrenceLimit = 50;

/** Reading stored alerts and acknowledging them. */
export function createAlertService(db: Kysely<Database>, devices: DeviceService): AlertService {
  const find = async (id: string) => {
    const row = await repository.findAlertById(db, id);
    if (!row) throw notFound('the alert');
    return toAlert(row);
  };

  return {
    async list(filter, cursor) {
      const rows = await repository.listAlerts(db, filter, cursor, pageSize + 1);
      const alerts = rows.slice(0, pageSize).map(toAlert);
      return { alerts, nextCursor: rows.length > pageSize ? encodeCursor(alerts.at(-1)!) : undefined };
    },
    async history({ deviceId, limit, ...filter }) {
      const deviceName = deviceId === undefined ? undefined : (await devices.find(deviceId)).name;
      const rows = await repository.listAlertHistory(db, { ...filter, deviceName }, limit + 1);
      return { alerts: rows.slice(0, limit).map(toAlert), truncated: rows.length > limit };
    },
    find,
    async get(id) {
      const alert = await find(id);
      const [occurrences, relatedDevices] = await Promise.all([
        repository.listOccurrences(db, alert.fingerprint, occurrenceLimit),
        devices.findNamed(deviceNameCandidates(alert.labels)),
      ]);
      return { alert, occurrences: occurrences.map(toAlert), relatedDevices };
    },
    async acknowledge(id, actor, requestId) {
      await db.transaction().execute(async (trx) => {
        if (!(await repository.findAlertById(trx, id))) throw notFound('the alert');
        if (await repository.acknowledgeAlert(trx, id, actor.id, new Date())) {
          await recordAuditEvent(trx, { actor, action: 'alert.acknowledge', target: { type: 'alert', id }, requestId });
        }
      });
    },
  };
}

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    status: row.status,
    labels: row.labels,
    annotations: row.annotations,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    generatorUrl: row.generator_url,
    receiver: row.receiver,
    lastSeenAt: row.last_seen_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
  };
}
