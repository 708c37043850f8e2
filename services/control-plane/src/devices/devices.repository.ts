import { containsPattern, type Database, type DeviceRow, type Kysely } from '@sre/db';
import type { DeviceInput } from './device';

/** Devices in name order, optionally matching `search` (name or owner) and only those named after `after`. */
export async function listDevices(db: Kysely<Database>, options: { search: string; after?: string; limit: number }): Promise<DeviceRow[]> {
  let query = db.selectFrom('devices').selectAll().orderBy('name').limit(options.limit);
  // Keyset: the unique name is the sort key, so `name > after` resumes exactly where a page ended.
  if (options.after !== undefined) query = query.where('name', '>', options.after);
  if (options.search) {
    const pattern = containsPattern(options.search);
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('owner', 'ilike', pattern)]));
  }
  return query.execute();
}

export async function findDeviceById(db: Kysely<Database>, id: string): Promise<DeviceRow | undefined> {
  return db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertDevice(db: Kysely<Database>, input: DeviceInput): Promise<DeviceRow> {
  return db
    .insertInto('devices')
    .values({ name: input.name, kind: input.kind, owner: input.owner, labels: JSON.stringify(input.labels) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateDevice(db: Kysely<Database>, id: string, input: DeviceInput): Promise<DeviceRow | undefined> {
  return db
    .updateTable('devices')
    .set({ name: input.name, kind: input.kind, owner: input.owner, labels: JSON.stringify(input.labels), updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function listDependencies(db: Kysely<Database>, deviceId: string) {
  const dependsOn = db
    .selectFrom('device_dependencies')
    .innerJoin('devices', 'devices.id', 'device_dependencies.to_device_id')
    .select(['devices.id', 'devices.name', 'devices.kind'])
    .where('device_dependencies.from_device_id', '=', deviceId)
    .orderBy('devices.name')
    .execute();
  const dependents = db
    .selectFrom('device_dependencies')
    .innerJoin('devices', 'devices.id', 'device_dependencies.from_device_id')
    .select(['devices.id', 'devices.name', 'devices.kind'])
    .where('device_dependencies.to_device_id', '=', deviceId)
    .orderBy('devices.name')
    .execute();
  return { dependsOn: await dependsOn, dependents: await dependents };
}

/** True when the error is the unique violation on devices.name. */
export function isDuplicateName(error: unknown): boolean {
  return (error as { code?: string; constraint?: string } | null)?.code === '23505' && (error as { constraint?: string }).constraint === 'devices_name_key';
}

/** Devices whose name is one of `names` (bounded: at most `limit`). */
export async function findDevicesByNames(db: Kysely<Database>, names: string[], limit: number): Promise<DeviceRow[]> {
  if (names.length === 0) return [];
  return db.selectFrom('devices').selectAll().where('name', 'in', names).orderBy('name').limit(limit).execute();
}
