// `npm run bench:alert-list`: how the alert list's queries behave with a million stored alerts.
// Fills an embedded PostgreSQL with synthetic alerts, then times the first page, a page deep
// into the list (keyset cursor), and filtered pages, through the control plane's repository.
import { parseArgs } from 'node:util';
import { createDb, sql } from '@sre/db';
import { listAlerts } from '../services/control-plane/src/alerts/alerts.repository';
import type { AlertCursor, AlertListFilter } from '../services/control-plane/src/alerts/alert';
import { percentile, startBenchDatabase, startedServers } from './support';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, repeats: { type: 'string', default: '30' } } });
const rows = Number(values.rows);
const repeats = Number(values.repeats);

const servers = startedServers('bench:alert-list');
const database = await servers.add(startBenchDatabase());
const db = createDb({ connectionString: database.url, maxConnections: 2 });
servers.onStop(() => db.destroy());
try {
  const filled = performance.now();
  // One alert in ten still firing; 50 alert names; four severities; 2,000 instances.
  await sql`
    insert into alerts (fingerprint, status, labels, annotations, starts_at, ends_at)
    select to_hex(n), case when n % 10 = 0 then 'firing' else 'resolved' end,
      jsonb_build_object('alertname', 'Alert' || (n % 50), 'severity', (array['critical','warning','info','page'])[1 + n % 4],
                         'instance', 'host-' || (n % 2000) || ':9100', 'service', 'svc-' || (n % 200)),
      '{}'::jsonb, now() - make_interval(secs => n), case when n % 10 = 0 then null else now() - make_interval(secs => n) + interval '5 minutes' end
    from generate_series(1, ${rows}) as n`.execute(db);
  await sql`analyze alerts`.execute(db);
  console.log(`filled ${rows.toLocaleString('en')} alerts in ${((performance.now() - filled) / 1000).toFixed(1)} s`);

  const time = async (label: string, filter: AlertListFilter, cursor?: AlertCursor) => {
    const durations: number[] = [];
    let count = 0;
    for (let round = 0; round < repeats; round += 1) {
      const started = performance.now();
      count = (await listAlerts(db, filter, cursor, 51)).length;
      durations.push(performance.now() - started);
    }
    durations.sort((a, b) => a - b);
    return { query: label, rows: count, p50Ms: Number(percentile(durations, 0.5).toFixed(2)), p95Ms: Number(percentile(durations, 0.95).toFixed(2)) };
  };
  const none: AlertListFilter = { labels: {}, search: '' };
  const deep = await sql<{ status: 'firing' | 'resolved'; starts_at: Date; id: string }>`
    select status, starts_at, id from alerts order by status, starts_at desc, id desc offset ${Math.floor(rows * 0.9)} limit 1`.execute(db);
  const cursor = { status: deep.rows[0]!.status, startsAt: deep.rows[0]!.starts_at.toISOString(), id: deep.rows[0]!.id };

  const results = [
    await time('first page', none),
    await time('page at 90 % depth (keyset)', none, cursor),
    await time('status=firing', { ...none, status: 'firing' }),
    await time('severity=critical', { ...none, severity: 'critical' }),
    await time('label service=svc-7', { ...none, labels: { service: 'svc-7' } }),
    await time('name contains "Alert4"', { ...none, search: 'Alert4' }),
  ];
  console.table(results);
  console.log(JSON.stringify({ rows, queries: results }));
} finally {
  await servers.stopAll();
}
