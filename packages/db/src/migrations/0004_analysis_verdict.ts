import { sql, type Kysely } from 'kysely';

// Whether an analysis names a likely cause or found nothing that stands out. Null for analyses
// written before the verdict existed, and while an analysis runs.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ai_analyses add column verdict text check (verdict in ('likely_cause', 'inconclusive'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ai_analyses drop column verdict`.execute(db);
}
