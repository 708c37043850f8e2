import { sql, type Kysely } from 'kysely';

// The alert history of a device ORs containment tests on its identity labels (alerts_labels_idx)
// with "the `instance` label without its port is the device's name". One arm without an index
// turns the whole OR into a scan of every alert; with this one PostgreSQL ORs bitmap index scans.
// The expression must stay the one listAlertHistory filters on, or the planner will not match it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index alerts_instance_host_idx on alerts ((regexp_replace(labels ->> 'instance', ':[0-9]+$', '')))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index alerts_instance_host_idx`.execute(db);
}
