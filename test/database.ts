import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDb, sql, type Database, type Kysely } from '@sre/db';
import { templateDatabase, withDatabase } from './global-setup';

export interface TestDatabase {
  db: Kysely<Database>;
  url: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file (a clone of the template: milliseconds). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = createDb({ connectionString: adminUrl, maxConnections: 1 });
  await sql`create database ${sql.id(name)} template ${sql.id(templateDatabase)}`.execute(admin);
  const url = withDatabase(adminUrl, name);
  const db = createDb({ connectionString: url, maxConnections: 5 });
  return {
    db,
    url,
    drop: async () => {
      await db.destroy();
      // pg's pool.end() resolves before its connections have closed; dropping `with (force)`
      // under them would kill backends mid-shutdown and surface as an uncaught 57P01.
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const { rows } = await sql<{ open: number }>`select count(*)::int as open from pg_stat_activity where datname = ${name}`.execute(admin);
        if (rows[0]?.open === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    },
  };
}
