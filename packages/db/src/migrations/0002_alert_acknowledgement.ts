import { sql, type Kysely } from 'kysely';

// Acknowledgement belongs to the occurrence: a re-fire (new start time) is unacknowledged again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table alerts
      add column acknowledged_at timestamptz,
      add column acknowledged_by uuid references users (id) on delete set null;
    create index alerts_fingerprint_idx on alerts (fingerprint, starts_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists alerts_fingerprint_idx;
    alter table alerts drop column if exists acknowledged_by, drop column if exists acknowledged_at;
  `.execute(db);
}
