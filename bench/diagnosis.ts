// `npm run bench:diagnosis`: time from the webhook receiving an alert to its finished
// deterministic analysis. Starts an embedded PostgreSQL, a real VictoriaMetrics with an hour of
// metrics for a fleet of hosts, and both services as their own processes; posts critical alerts
// (the automatic policy diagnoses each on arrival) and reads when each was received
// (alerts.first_seen_at) and when its task ended (diagnosis_tasks.completed_at), both stamped by
// PostgreSQL. Ends with one JSON line.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createDb, sql } from '@sre/db';
import { platformEnvironment, startServiceProcess } from '../test/services';
import { importPrometheus } from '../test/victoriametrics';
import { percentile, postFiringAlert, startBenchDatabase, startBenchVictoriaMetrics, startedServers } from './support';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '60' },
    hosts: { type: 'string', default: '10' },
    // Alerts arrive one at a time, this far apart, as incidents trickle in.
    'interval-ms': { type: 'string', default: '100' },
  },
});
const alertCount = Number(values.alerts);
const hostCount = Number(values.hosts);
const intervalMs = Number(values['interval-ms']);
const token = 'bench-webhook-token-0123456789';
const say = (message: string) => console.error(`[bench:diagnosis] ${message}`);

const servers = startedServers('bench:diagnosis');
try {
  const database = await servers.add(startBenchDatabase());
  const victoriaMetrics = await servers.add(startBenchVictoriaMetrics());

  // Each host: a steady load, memory and network counters, and one metric that breaks 30 s ago.
  const now = Date.now();
  const lines: string[] = [];
  for (let time = now - 70 * 60_000, step = 0; time <= now; time += 15_000, step += 1) {
    const wobble = step % 2 === 0 ? 1 : -1;
    const broken = time >= now - 30_000;
    for (let host = 0; host < hostCount; host += 1) {
      const instance = `bench-host-${host}:9100`;
      lines.push(`node_load1{instance="${instance}",job="node"} ${1 + 0.05 * wobble} ${time}`);
      lines.push(`node_memory_MemAvailable_bytes{instance="${instance}",job="node"} ${8e9 + 1e7 * wobble} ${time}`);
      lines.push(`node_filesystem_avail_bytes{instance="${instance}",job="node",mountpoint="/"} ${5e10 - 1e6 * step} ${time}`);
      for (const mode of ['user', 'system', 'idle', 'iowait']) {
        lines.push(`node_cpu_seconds_total{instance="${instance}",job="node",cpu="0",mode="${mode}"} ${step * 15 * (mode === 'idle' ? 0.8 : 0.05)} ${time}`);
      }
      lines.push(`node_network_receive_bytes_total{instance="${instance}",job="node",device="eth0"} ${step * 15 * 1e5} ${time}`);
      lines.push(`node_disk_io_time_seconds_total{instance="${instance}",job="node",device="sda"} ${step * 15 * 0.02 + (broken ? (time - (now - 30_000)) / 1000 * 0.9 : 0)} ${time}`);
      lines.push(`node_procs_blocked{instance="${instance}",job="node"} ${(broken ? 40 : 1) + wobble} ${time}`);
    }
  }
  await importPrometheus(victoriaMetrics.url, `${lines.join('\n')}\n`);
  say(`imported ${lines.length} samples for ${hostCount} hosts`);

  const db = createDb({ connectionString: database.url, maxConnections: 2 });
  await db
    .insertInto('devices')
    .values(Array.from({ length: hostCount }, (_, host) => ({ name: `bench-host-${host}`, kind: 'host' as const, labels: { instance: `bench-host-${host}:9100` } })))
    .execute();

  const platform = await platformEnvironment({ databaseUrl: database.url, victoriaMetricsUrl: victoriaMetrics.url, webhookToken: token, autoDiagnoseSeverities: 'critical' });
  const controlPlaneUrl = platform.controlPlane.url;
  await servers.add(startServiceProcess('control-plane', controlPlaneUrl, platform.controlPlane.env));
  await servers.add(startServiceProcess('sre-assistant', platform.assistant.url, platform.assistant.env));

  const startsAt = new Date(now - 30_000);
  for (let index = 0; index < alertCount; index += 1) {
    const labels = { alertname: 'BenchHostStalled', instance: `bench-host-${index % hostCount}:9100`, severity: 'critical', run: String(index) };
    await postFiringAlert(controlPlaneUrl, token, { receiver: 'bench', labels, startsAt, fingerprint: index.toString(16).padStart(16, '0') });
    await sleep(intervalMs);
  }
  say(`posted ${alertCount} alerts; waiting for their analyses`);

  const deadline = Date.now() + 120_000;
  let rows: Array<{ status: string | null; latency_ms: number | null }> = [];
  while (Date.now() < deadline) {
    ({ rows } = await sql<{ status: string | null; latency_ms: number | null }>`
      select task.status, extract(epoch from task.completed_at - alert.first_seen_at) * 1000 as latency_ms
      from alerts alert left join diagnosis_tasks task on task.alert_id = alert.id
      where alert.receiver = 'bench'
    `.execute(db));
    if (rows.length === alertCount && rows.every((row) => row.latency_ms !== null)) break;
    await sleep(250);
  }
  await db.destroy();

  const completed = rows.filter((row) => row.status === 'succeeded' || row.status === 'partial');
  const latencies = completed.map((row) => Number(row.latency_ms)).sort((a, b) => a - b);
  const partial = rows.filter((row) => row.status === 'partial').length;
  const byStatus = new Map<string, number>();
  for (const row of rows) byStatus.set(row.status ?? 'no task', (byStatus.get(row.status ?? 'no task') ?? 0) + 1);
  say(`${completed.length} completed (${partial} partial); tasks by status: ${[...byStatus].map(([status, count]) => `${status}: ${count}`).join(', ')}`);
  console.log(
    JSON.stringify({
      p50Ms: round(percentile(latencies, 0.5)),
      p95Ms: round(percentile(latencies, 0.95)),
      completed: completed.length,
      failed: alertCount - completed.length,
    }),
  );
} finally {
  await servers.stopAll();
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
