import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/database';
import { seedHostDevice } from './host-device';

describe('seedHostDevice', () => {
  let database: TestDatabase;
  const device = { name: 'build-host', labels: { device: 'build-host', instance: '127.0.0.1:9100', job: 'node' } };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('inserts the host once, auditing only the insertion', async () => {
    expect(await seedHostDevice(database.db, device, 'npm start')).toBe(true);
    expect(await seedHostDevice(database.db, device, 'npm start')).toBe(false);

    const devices = await database.db.selectFrom('devices').select(['id', 'name', 'kind', 'labels']).execute();
    expect(devices).toEqual([{ id: expect.any(String), name: 'build-host', kind: 'host', labels: device.labels }]);
    const audit = await database.db.selectFrom('audit_log').select(['actor', 'actor_type', 'action', 'target_type', 'target_id', 'details']).execute();
    expect(audit).toEqual([
      { actor: 'npm start', actor_type: 'system', action: 'device.seeded', target_type: 'device', target_id: devices[0]!.id, details: { name: 'build-host', kind: 'host', labels: device.labels } },
    ]);
  });

  it('leaves a device of the same name alone, whoever created it', async () => {
    await database.db.insertInto('devices').values({ name: 'edited-host', kind: 'service', labels: JSON.stringify({ team: 'sre' }) }).execute();
    expect(await seedHostDevice(database.db, { ...device, name: 'edited-host' }, 'npm start')).toBe(false);
    const edited = await database.db.selectFrom('devices').select(['kind', 'labels']).where('name', '=', 'edited-host').executeTakeFirstOrThrow();
    expect(edited).toEqual({ kind: 'service', labels: { team: 'sre' } });
  });
});
