import { sql, type Kysely } from 'kysely';

// What the LLM agent adds to an analysis: its grounded answer (null when no model answered),
// the transcript of the tool calls that answer cites, and the run's figures (steps, tool calls,
// grounding rejections, why it stopped, why the narrative is unavailable).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ai_analyses add column narrative jsonb`.execute(db);
  await sql`alter table ai_analyses add column transcript jsonb not null default '[]'::jsonb`.execute(db);
  await sql`alter table ai_analyses add column agent jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ai_analyses drop column agent, drop column transcript, drop column narrative`.execute(db);
}
