// Shared plumbing for the benchmark scripts: they start what they need and clean up after.
import { rm } from 'node:fs/promises';
import path from 'node:path';
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

export function percentile(sortedValues: number[], fraction: number): number {
  if (sortedValues.length === 0) return Number.NaN;
  const index = Math.min(sortedValues.length - 1, Math.ceil(fraction * sortedValues.length) - 1);
  return sortedValues[Math.max(0, index)]!;
}
