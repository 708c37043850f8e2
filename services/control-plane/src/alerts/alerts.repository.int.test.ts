import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceIdentityLabels, sql, type Database, type Transaction } from '@sre/db';
import { createTestDatabase, type TestDatabase } from '../../../../test/database';
import { listAlertHistory } from './alerts.repository';

describe('the alert history of a device', () => {
  let testDb: TestDatabase;
  const until = new Date('2026-03-02T00:00:00Z');
  const since = new Date('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    testDb = await createTestDatabase();
    // Ten thousand alerts, one a minute back from `until`, over 200 instances with a port and 50 services.
    await sql`
      insert into alerts (fingerprint, status, labels, starts_at, ends_at)
      select to_hex(n), 'resolved',
        jsonb_build_object('alertname', 'Alert' || (n % 20), 'instance', 'host-' || (n % 200) || ':9100', 'service', 'svc-' || (n % 50)),
        ${until}::timestamptz - make_interval(mins => n), ${until}::timestamptz - make_interval(mins => n) + interval '5 minutes'
      from generate_series(1, 10000) as n`.execute(testDb.db);
    // As autovacuum would: until then the GIN index's pending list of fresh entries makes it look costly.
    await sql`vacuum analyze alerts`.execute(testDb.db);
  });
  afterAll(async () => {
    await testDb.drop();
  });

  // Scans of the alerts table (sequential) and of its indexes by this connection, flushed or not:
  // the difference across one call is that call's plan, whatever else runs on the server.
  const scanCounts = async (trx: Transaction<Database>) => {
    const { rows } = await sql<{ name: string; scans: number }>`
      select relname as name, pg_stat_get_xact_numscans(oid)::int as scans from pg_class
      where oid = 'alerts'::regclass or oid in (select indexrelid from pg_index where indrelid = 'alerts'::regclass)`.execute(trx);
    return new Map(rows.map(({ name, scans }) => [name, scans]));
  };
  const historyWithScans = (deviceName: string) =>
    testDb.db.transaction().execute(async (trx) => {
      const before = await scanCounts(trx);
      const alerts = await listAlertHistory(trx, { since, until, deviceName }, 100);
      const after = await scanCounts(trx);
      const scans = Object.fromEntries([...after].map(([name, count]) => [name, count - before.get(name)!]).filter(([, count]) => count !== 0));
      return { alerts, scans };
    });
  // One bitmap scan per arm of the OR: the identity labels by containment, and the port-less instance.
  // A sequential scan would show as `alerts`.
  const everyArmByIndex = { alerts_labels_idx: deviceIdentityLabels.length, alerts_instance_host_idx: 1 };

  it('finds a device named by its instance without the port through indexes, not a scan of every alert', async () => {
    const { alerts, scans } = await historyWithScans('host-7');
    expect(scans).toEqual(everyArmByIndex);
    // Alerts n = 7, 207, … 1407 minutes old are active in the window: eight.
    expect(alerts.map((alert) => alert.labels.instance)).toEqual(Array(8).fill('host-7:9100'));
  });

  it('finds a device named by another identity label through the same indexes', async () => {
    const { alerts, scans } = await historyWithScans('svc-7');
    expect(scans).toEqual(everyArmByIndex);
    // Alerts n = 7, 57, … 1407 minutes old.
    expect(alerts.map((alert) => alert.labels.service)).toEqual(Array(29).fill('svc-7'));
  });

  it('finds a device named by a hostname or a node label alone, and not by a scrape job of its name', async () => {
    const startsAt = new Date('2026-03-01T12:00:00Z');
    const labelled = (label: string) => ({ fingerprint: `edge-1-${label}`, status: 'firing' as const, labels: JSON.stringify({ alertname: `By-${label}`, [label]: 'edge-1' }), starts_at: startsAt });
    await testDb.db.insertInto('alerts').values(['hostname', 'node', 'job'].map(labelled)).execute();
    const alerts = await listAlertHistory(testDb.db, { since, until, deviceName: 'edge-1' }, 100);
    expect(alerts.map((alert) => alert.labels.alertname).sort()).toEqual(['By-hostname', 'By-node']);
  });
});
