import { sql, type Kysely } from 'kysely';

// alerts_fingerprint_idx (fingerprint, starts_at desc) repeats the index behind the unique
// (fingerprint, starts_at) constraint, which serves the same lookups scanned backwards; every
// alert upsert paid for both.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists alerts_fingerprint_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index alerts_fingerprint_idx on alerts (fingerprint, starts_at desc)`.execute(db);
}
