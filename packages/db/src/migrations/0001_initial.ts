import { sql, type Kysely } from 'kysely';

// Written as plain SQL: the constraints and the append-only trigger are the point of this
// migration, and SQL states them more exactly than a builder would.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id uuid primary key default gen_random_uuid(),
      issuer text not null,
      subject text not null,
      name text,
      email text,
      roles text[] not null default '{}',
      created_at timestamptz not null default now(),
      last_login_at timestamptz,
      unique (issuer, subject)
    );

    -- id is the SHA-256 of the cookie value: a leaked table does not leak live sessions.
    create table sessions (
      id text primary key,
      user_id uuid references users (id) on delete cascade,
      data jsonb not null default '{}',
      csrf_token text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index sessions_expires_at_idx on sessions (expires_at);

    create table devices (
      id uuid primary key default gen_random_uuid(),
      name text not null unique check (length(name) between 1 and 200),
      kind text not null check (kind in ('host', 'service', 'database', 'network', 'other')),
      labels jsonb not null default '{}' check (jsonb_typeof(labels) = 'object'),
      owner text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index devices_labels_idx on devices using gin (labels jsonb_path_ops);

    create table device_dependencies (
      from_device_id uuid not null references devices (id) on delete cascade,
      to_device_id uuid not null references devices (id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (from_device_id, to_device_id),
      check (from_device_id <> to_device_id)
    );
    create index device_dependencies_to_idx on device_dependencies (to_device_id);

    create table alerts (
      id uuid primary key default gen_random_uuid(),
      fingerprint text not null,
      status text not null check (status in ('firing', 'resolved')),
      labels jsonb not null,
      annotations jsonb not null default '{}',
      starts_at timestamptz not null,
      ends_at timestamptz,
      generator_url text,
      receiver text,
      group_key text,
      first_seen_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      unique (fingerprint, starts_at)
    );
    create index alerts_status_starts_at_idx on alerts (status, starts_at desc, id desc);
    create index alerts_labels_idx on alerts using gin (labels jsonb_path_ops);

    create table diagnosis_tasks (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind in ('alert', 'execute')),
      status text not null default 'queued'
        check (status in ('queued', 'running', 'succeeded', 'partial', 'failed')),
      request jsonb not null,
      alert_id uuid references alerts (id) on delete set null,
      requested_by text not null,
      attempts integer not null default 0,
      error text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      completed_at timestamptz
    );
    create index diagnosis_tasks_alert_idx on diagnosis_tasks (alert_id);

    create table ai_analyses (
      id uuid primary key default gen_random_uuid(),
      task_id uuid not null references diagnosis_tasks (id) on delete cascade,
      alert_id uuid references alerts (id) on delete set null,
      kind text not null,
      status text not null check (status in ('running', 'completed', 'partial', 'failed')),
      summary text,
      hypotheses jsonb not null default '[]',
      evidence jsonb not null default '[]',
      engine text not null,
      model text,
      tokens_in integer,
      tokens_out integer,
      cost_usd numeric(12, 6),
      started_at timestamptz not null default now(),
      completed_at timestamptz,
      error text
    );
    create index ai_analyses_task_idx on ai_analyses (task_id);
    create index ai_analyses_alert_idx on ai_analyses (alert_id);

    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor text not null,
      actor_type text not null check (actor_type in ('user', 'service', 'system')),
      action text not null,
      target_type text,
      target_id text,
      details jsonb not null default '{}',
      request_id text
    );
    create index audit_log_at_idx on audit_log (at desc);

    -- The audit log is evidence: the database itself refuses to rewrite history,
    -- whatever the application (or an operator with the app's credentials) tries.
    create function audit_log_reject_change() returns trigger
      language plpgsql as $$
      begin
        raise exception 'audit_log is append-only: % is not allowed', tg_op
          using errcode = 'insufficient_privilege';
      end
      $$;
    create trigger audit_log_no_update_delete before update or delete on audit_log
      for each row execute function audit_log_reject_change();
    create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_reject_change();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists audit_log, ai_analyses, diagnosis_tasks, alerts,
      device_dependencies, devices, sessions, users cascade;
    drop function if exists audit_log_reject_change();
  `.execute(db);
}
