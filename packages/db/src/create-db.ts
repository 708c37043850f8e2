import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// Count columns come back as int8; timestamps stay Date. Parsing int8 as number is safe for
// row counts and identities far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export interface DbOptions {
  connectionString: string;
  maxConnections?: number;
  /** Label shown in pg_stat_activity, so an operator can tell the services apart. */
  applicationName?: string;
  /**
   * An idle pooled connection failed (e.g. the server restarted). pg drops the connection and
   * the next query gets a fresh one; without a listener the error would crash the process.
   */
  onConnectionError?: (error: Error) => void;
}

/** Creates the Kysely instance over a pg pool. Call `db.destroy()` to close the pool. */
export function createDb({ connectionString, maxConnections = 10, applicationName, onConnectionError = () => {} }: DbOptions): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, max: maxConnections, application_name: applicationName });
  pool.on('error', onConnectionError);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** True when the database answers a trivial query within the pool's limits. */
export async function isDatabaseReachable(db: Kysely<Database>): Promise<boolean> {
  try {
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    return true;
  } catch {
    return false;
  }
}
