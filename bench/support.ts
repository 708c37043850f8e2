// Shared plumbing for the benchmark scripts: they start what they need and clean up after.
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest, sql } from '@sre/db';
import { startEmbeddedServer, type EmbeddedServer } from '@sre/db/embedded';
import { freePort } from '../test/ports';


export const repositoryRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));


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

/** Runs a service's main.ts as its own process (as in production), and waits for /readyz. */
export async function startService(service: 'control-plane' | 'sre-assistant', env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'services', service, 'src', 'main.ts')], {
    cwd: path.join(repositoryRoot, 'services', service),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let waited = 0; waited < 30_000; waited += 200) {
    if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode} before it was ready`);
    if (await fetch(readyUrl).then((response) => response.ok, () => false)) return child;
    await sleep(200);
  }
  child.kill('SIGTERM');
  throw new Error(`${service} was not ready at ${readyUrl} within 30 s`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export function percentile(sortedValues: number[], fraction: number): number {
  if (sortedValues.length === 0) return Number.NaN;
  const index = Math.min(sortedValues.length - 1, Math.ceil(fraction * sortedValues.length) - 1);
  return sortedValues[Math.max(0, index)]!;
}
