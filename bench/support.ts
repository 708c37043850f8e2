// Shared plumbing for the benchmark scripts: they start what they need and clean up after.
import { rm } from 'node:fs/promises';
import { constants } from 'node:os';
import path from 'node:path';
import { createDb, migrateToLatest, sql } from '@sre/db';
import { startEmbeddedServer, type EmbeddedServer } from '@sre/db/embedded';
import { startVictoriaMetrics } from '../scripts/stack/victoriametrics';
import { freePort } from '../test/ports';
import { repositoryRoot } from '../test/repository-root';
import { inTemporaryDirectory } from '../test/temporary-directory';

/**
 * What a benchmark starts, stopped last first and once each: when the run ends (`stopAll` in a
 * `finally`), or on Ctrl-C or SIGTERM. Without it an interrupted run ends the process at once and
 * leaves PostgreSQL, VictoriaMetrics and the services running, with their data directories. A
 * server is registered as its start begins, so one still starting when the signal comes is
 * stopped once it is up; one the run goes on to start meanwhile is stopped too. An interrupted run
 * exits with 128 + the signal's number, as a shell would report it; a second signal ends it at once.
 */
export function startedServers(name: string) {
  const say = (message: string) => console.error(`[${name}] ${message}`);
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stopRegistered = async () => {
    for (let stop = stops.pop(); stop; stop = stops.pop()) await stop().catch((error: unknown) => say(`cleanup: ${String(error)}`));
  };
  const stopEverything = async () => {
    // Servers registered while others were stopping extend the chain; wait until it stops growing.
    for (let current = (stopping ??= stopRegistered()); ; ) {
      await current;
      if (current === stopping) return;
      current = stopping;
    }
  };
  const register = (stop: () => Promise<void>) => {
    stops.push(stop);
    if (stopping) stopping = stopping.then(stopRegistered);
  };
  const interrupted = (signal: NodeJS.Signals) => {
    say(`${signal}: stopping what the benchmark started`);
    void stopEverything().finally(() => process.exit(128 + constants.signals[signal]));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return {
    /** Registers a server as its start begins (anything with `stop`) and passes the start on. */
    add<T extends { stop: () => Promise<void> }>(start: Promise<T>): Promise<T> {
      // A start that failed has nothing to stop; its error reaches the caller.
      register(() => start.then((server) => server.stop(), () => undefined));
      return start;
    },
    /** Registers something else to undo at the end, such as a pool of connections. */
    onStop: register,
    async stopAll(): Promise<void> {
      // The handlers stay until everything is stopped: a signal meanwhile waits for the same stops.
      await stopEverything();
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
    },
  };
}

/** A throwaway embedded PostgreSQL with a migrated database `bench`. */
export async function startBenchDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dataDir = path.join(repositoryRoot, '.data', `bench-${process.pid}`, 'postgres');
  const server: EmbeddedServer = await startEmbeddedServer({ dataDir, port: await freePort() });
  const admin = createDb({ connectionString: server.connectionString, maxConnections: 1 });
  await sql`create database bench`.execute(admin);
  await admin.destroy();
  const url = server.urlFor('bench');
  const db = createDb({ connectionString: url, maxConnections: 1 });
  await migrateToLatest(db);
  await db.destroy();
  return {
    url,
    stop: async () => {
      await server.stop();
      await rm(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}

/**
 * A real VictoriaMetrics in a temporary directory on a free loopback port, removed on stop. Unlike
 * the tests' (test/victoriametrics.ts) it keeps its caches on, as in production, so latencies are
 * those a deployment would see.
 */
export function startBenchVictoriaMetrics(): Promise<{ url: string; stop: () => Promise<void> }> {
  return inTemporaryDirectory('bench-victoriametrics-', async (directory) => {
    // Benchmarks load data from any time: nothing may fall outside the retention period.
    const server = await startVictoriaMetrics({ dataDir: directory, port: await freePort(), retention: '100y' });
    return { url: server.url, stop: () => server.stop() };
  });
}

export function percentile(sortedValues: number[], fraction: number): number {
  if (sortedValues.length === 0) return Number.NaN;
  const index = Math.min(sortedValues.length - 1, Math.ceil(fraction * sortedValues.length) - 1);
  return sortedValues[Math.max(0, index)]!;
}

/** Posts one firing alert to the control plane's Alertmanager webhook, as Alertmanager (v4) would; throws unless it is accepted. */
export async function postFiringAlert(
  controlPlaneUrl: string,
  webhookToken: string,
  alert: { receiver: string; labels: Record<string, string>; startsAt: Date; fingerprint: string },
): Promise<void> {
  const notification = {
    version: '4',
    receiver: alert.receiver,
    status: 'firing',
    groupKey: `{}:{fingerprint="${alert.fingerprint}"}`,
    truncatedAlerts: 0,
    groupLabels: {},
    commonLabels: alert.labels,
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: [
      { status: 'firing', labels: alert.labels, annotations: {}, startsAt: alert.startsAt.toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: alert.fingerprint },
    ],
  };
  const response = await fetch(`${controlPlaneUrl}/api/v1/alerts/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${webhookToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(notification),
  });
  if (!response.ok) throw new Error(`the control plane refused the alert: ${response.status} ${(await response.text()).slice(0, 300)}`);
}
