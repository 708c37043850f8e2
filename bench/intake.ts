// `npm run bench:intake`: Alertmanager webhook intake throughput on this machine.
// Starts an embedded PostgreSQL and the real control plane (its own process), posts batches of
// 100 alerts with a few in flight, then counts what was stored. Ends with one JSON line.
import { parseArgs } from 'node:util';
import { createDb } from '@sre/db';
import { freePort } from '../test/ports';
import { startServiceProcess } from '../test/services';
import { percentile, startBenchDatabase, startedServers } from './support';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '300' },
    'batch-size': { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '8' },
  },
});
const batches = Number(values.batches);
const batchSize = Number(values['batch-size']);
const concurrency = Number(values.concurrency);
const token = 'bench-webhook-token-0123456789';

const servers = startedServers('bench:intake');
try {
  const database = await servers.add(startBenchDatabase());
  const port = await freePort();
  await servers.add(
    startServiceProcess('control-plane', `http://127.0.0.1:${port}`, {
      DATABASE_URL: database.url,
      CONTROL_PLANE_PORT: String(port),
      CONTROL_PLANE_URL: `http://127.0.0.1:${port}`,
      DEV_OIDC_PORT: String(await freePort()),
      ALERTMANAGER_WEBHOOK_TOKEN: token,
    }),
  );

  const url = `http://127.0.0.1:${port}/api/v1/alerts/alertmanager`;
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  const body = (batch: number) =>
    JSON.stringify({
      version: '4',
      receiver: 'bench',
      status: 'firing',
      groupKey: `{}:{batch="${batch}"}`,
      truncatedAlerts: 0,
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://127.0.0.1:9093',
      alerts: Array.from({ length: batchSize }, (_, index) => ({
        status: 'firing',
        labels: { alertname: 'BenchAlert', instance: `host-${batch}-${index}:9100`, severity: 'warning', job: 'node' },
        annotations: { summary: 'synthetic alert for the intake benchmark' },
        startsAt,
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://127.0.0.1:8880/vmalert/alert',
        fingerprint: (batch * batchSize + index).toString(16).padStart(16, '0'),
      })),
    });

  // Warm-up: JIT, connection pool, prepared plans; its alerts are not counted.
  const warmUpBody = body(batches).replace('"receiver":"bench"', '"receiver":"warm-up"');
  for (let round = 0; round < 5; round += 1) {
    if (!(await post(url, warmUpBody))) throw new Error('the warm-up batch was refused: the benchmark payload is wrong');
  }

  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let batch = next++; batch < batches; batch = next++) {
        const sent = performance.now();
        const ok = await post(url, body(batch));
        latencies.push(performance.now() - sent);
        if (!ok) failed += 1;
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;

  const db = createDb({ connectionString: database.url, maxConnections: 1 });
  const stored = await db.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).where('receiver', '=', 'bench').executeTakeFirstOrThrow();
  await db.destroy();

  const sent = batches * batchSize;
  latencies.sort((a, b) => a - b);
  const result = {
    alertsPerSecond: Math.round(stored.n / elapsedSeconds),
    p50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(1)),
    lost: sent - stored.n,
  };
  console.log(`batches ${batches} × ${batchSize} alerts, ${concurrency} in flight, ${elapsedSeconds.toFixed(2)} s, failed requests ${failed}, stored ${stored.n} of ${sent}`);
  console.log(JSON.stringify(result));
} finally {
  await servers.stopAll();
}

async function post(url: string, payload: string): Promise<boolean> {
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: payload });
  await response.arrayBuffer();
  return response.ok;
}
