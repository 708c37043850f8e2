import type { Database, DeviceRow, Kysely } from '@sre/db';
import { recordAuditEvent } from '../audit/audit.service';
import type { Actor } from '../audit/audit';
import { notFound, validationFailed } from '../errors';
import { encodeDeviceCursor, type Device, type DeviceDetail, type DeviceInput, type DevicePage } from './device';
import * as repository from './devices.repository';

export interface DeviceService {
  /** The first devices by name (at most 500), optionally those whose name or owner contains `search`. */
  list(search?: string): Promise<Device[]>;
  /** One page of the whole inventory by name, continuing after the device named `after`. */
  listPage(options: { after?: string; limit: number }): Promise<DevicePage>;
  /** Devices an alert's labels name (device, service, host, instance without port, …). */
  findNamed(names: string[]): Promise<Device[]>;
  /** The device alone, without its dependencies; not_found when there is none. */
  find(id: string): Promise<Device>;
  /** The device with what it depends on and what depends on it; not_found when there is none. */
  get(id: string): Promise<DeviceDetail>;
  create(input: DeviceInput, actor: Actor, requestId: string): Promise<Device>;
  update(id: string, input: DeviceInput, actor: Actor, requestId: string): Promise<Device>;
}

const listLimit = 500;

/** Devices and their dependencies; every change is audited in the same transaction. */
export function createDeviceService(db: Kysely<Database>): DeviceService {
  const find = async (id: string): Promise<Device> => {
    const row = await repository.findDeviceById(db, id);
    if (!row) throw notFound('the device');
    return toDevice(row);
  };

  return {
    async list(search = '') {
      return (await repository.listDevices(db, { search, limit: listLimit })).map(toDevice);
    },
    async listPage({ after, limit }) {
      const rows = await repository.listDevices(db, { search: '', after, limit: limit + 1 });
      const devices = rows.slice(0, limit).map(toDevice);
      return { devices, nextCursor: rows.length > limit ? encodeDeviceCursor(devices.at(-1)!) : undefined };
    },
    async findNamed(names) {
      return (await repository.findDevicesByNames(db, names, 20)).map(toDevice);
    },
    find,
    async get(id) {
      return { ...(await find(id)), ...(await repository.listDependencies(db, id)) };
    },
    async create(input, actor, requestId) {
      const row = await withNameConflict(() =>
        db.transaction().execute(async (trx) => {
          const created = await repository.insertDevice(trx, input);
          await recordAuditEvent(trx, { actor, action: 'device.create', target: { type: 'device', id: created.id }, details: { ...input }, requestId });
          return created;
        }),
      );
      return toDevice(row);
    },
    async update(id, input, actor, requestId) {
      const row = await withNameConflict(() =>
        db.transaction().execute(async (trx) => {
          const before = await repository.findDeviceById(trx, id);
          const updated = await repository.updateDevice(trx, id, input);
          if (!before || !updated) throw notFound('the device');
          await recordAuditEvent(trx, {
            actor,
            action: 'device.update',
            target: { type: 'device', id },
            details: { before: { name: before.name, kind: before.kind, owner: before.owner, labels: before.labels }, after: { ...input } },
            requestId,
          });
          return updated;
        }),
      );
      return toDevice(row);
    },
  };
}

async function withNameConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (repository.isDuplicateName(error)) {
      throw validationFailed({ name: 'another device already has this name' });
    }
    throw error;
  }
}

function toDevice(row: DeviceRow): Device {
  return { id: row.id, name: row.name, kind: row.kind, labels: row.labels, owner: row.owner, createdAt: row.created_at, updatedAt: row.updated_at };
}
