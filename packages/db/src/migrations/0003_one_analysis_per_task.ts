import { sql, type Kysely } from 'kysely';

// A task is retried when its worker dies; the retry must replace the analysis, never add a
// second one. The alert page lists an alert's tasks newest first.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index ai_analyses_task_idx;
    create unique index ai_analyses_task_key on ai_analyses (task_id);
    drop index diagnosis_tasks_alert_idx;
    create index diagnosis_tasks_alert_idx on diagnosis_tasks (alert_id, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index ai_analyses_task_key;
    create index ai_analyses_task_idx on ai_analyses (task_id);
    drop index diagnosis_tasks_alert_idx;
    create index diagnosis_tasks_alert_idx on diagnosis_tasks (alert_id);
  `.execute(db);
}
