import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb, migrateToLatest, sql } from '@sre/db';
import { startEmbeddedServer } from '@sre/db/embedded';
import { freePort } from './ports';

export const templateDatabase = 'sre_test_template';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

/**
 * One real PostgreSQL for the whole run (TEST_DATABASE_URL, or an embedded server), with a
 * migrated template database that each test file clones.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL;
  const dataDir = path.resolve('.data', `test-${process.pid}`, 'postgres');
  const server = external ? undefined : await startEmbeddedServer({ dataDir, port: await freePort(), ephemeral: true });
  const adminUrl = external ?? server!.connectionString;

  const admin = createDb({ connectionString: adminUrl, maxConnections: 1 });
  await sql`drop database if exists ${sql.id(templateDatabase)}`.execute(admin);
  await sql`create database ${sql.id(templateDatabase)}`.execute(admin);
  await admin.destroy();
  const template = createDb({ connectionString: withDatabase(adminUrl, templateDatabase), maxConnections: 1 });
  await migrateToLatest(template);
  await template.destroy();

  project.provide('postgresAdminUrl', adminUrl);
  return async () => {
    await server?.stop();
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

