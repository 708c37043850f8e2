import { sql, type Kysely } from 'kysely';

// What a running task does, as it happens: the agent's steps and tool calls, written by the
// assistant and read by the control plane to show progress live. Ordered by id within a task.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table task_events (
      id bigint generated always as identity primary key,
      task_id uuid not null references diagnosis_tasks (id) on delete cascade,
      at timestamptz not null default now(),
      type text not null check (type in ('thinking', 'tool_call', 'answering')),
      detail jsonb not null default '{}'::jsonb
    )`.execute(db);
  await sql`create index task_events_task_id_id on task_events (task_id, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table task_events`.execute(db);
}
