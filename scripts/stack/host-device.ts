import type { Database, Kysely, Labels } from '@sre/db';

export interface HostDevice {
  name: string;
  labels: Labels;
}

/**
 * Adds this machine to the device inventory unless a device of that name exists, auditing the
 * insertion in the same transaction. Returns whether it inserted. Safe to run at every start.
 */
export async function seedHostDevice(db: Kysely<Database>, device: HostDevice, actor: string): Promise<boolean> {
  return db.transaction().execute(async (transaction) => {
    const inserted = await transaction
      .insertInto('devices')
      .values({ name: device.name, kind: 'host', labels: JSON.stringify(device.labels) })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false;
    await transaction
      .insertInto('audit_log')
      .values({
        actor,
        actor_type: 'system',
        action: 'device.seeded',
        target_type: 'device',
        target_id: inserted.id,
        details: JSON.stringify({ name: device.name, kind: 'host', labels: device.labels }),
      })
      .execute();
    return true;
  });
}
