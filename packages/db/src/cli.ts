// `npm run db:migrate`: applies pending migrations to DATABASE_URL.
import { createDb } from './create-db';
import { migrateToLatest } from './migrator';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  console.error('DATABASE_URL is not set. Set it to a PostgreSQL URL, e.g. postgres://user:pass@host:5432/db');
  process.exit(2);
}
const db = createDb({ connectionString, maxConnections: 1, applicationName: 'migrator' });
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
