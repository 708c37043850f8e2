import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/database';

describe('shared schema', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb.drop();
  });

  it('keeps the audit log append-only: update, delete and truncate are refused', async () => {
    const { db } = testDb;
    const entry = await db
      .insertInto('audit_log')
      .values({ actor: 'alice', actor_type: 'user', action: 'device.create', details: { name: 'db-1' } })
      .returning('id')
      .executeTakeFirstOrThrow();

    await expect(db.updateTable('audit_log').set({ action: 'rewritten' }).where('id', '=', entry.id).execute()).rejects.toThrow(
      /append-only: UPDATE/,
    );
    await expect(db.deleteFrom('audit_log').where('id', '=', entry.id).execute()).rejects.toThrow(/append-only: DELETE/);
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only: TRUNCATE/);

    const rows = await db.selectFrom('audit_log').select(['action', 'details']).execute();
    expect(rows).toEqual([{ action: 'device.create', details: { name: 'db-1' } }]);
  });

  it('stores one alert per fingerprint and start time', async () => {
    const { db } = testDb;
    const alert = { fingerprint: 'abc', status: 'firing' as const, labels: { alertname: 'HighCpu' }, starts_at: '2026-01-01T00:00:00Z' };
    await db.insertInto('alerts').values(alert).execute();
    await expect(db.insertInto('alerts').values(alert).execute()).rejects.toThrow(/alerts_fingerprint_starts_at_key/);
    await db.insertInto('alerts').values({ ...alert, starts_at: '2026-01-01T01:00:00Z' }).execute();
    const count = await db.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(2);
  });

  it('refuses a device that depends on itself', async () => {
    const { db } = testDb;
    const device = await db.insertInto('devices').values({ name: 'web-1', kind: 'host', labels: {} }).returning('id').executeTakeFirstOrThrow();
    await expect(
      db.insertInto('device_dependencies').values({ from_device_id: device.id, to_device_id: device.id }).execute(),
    ).rejects.toThrow(/check/);
  });
});
