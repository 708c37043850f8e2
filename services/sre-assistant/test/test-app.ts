import type { Express } from 'express';
import { createAccessTokenVerifier } from '@sre/auth';
import { sql, type Database, type Kysely } from '@sre/db';
import { createLogger } from '@sre/service-kit';
import { createTestDatabase, type TestDatabase } from '../../../test/database';
import { createApp } from '../src/app';
import type { ControlPlaneClient } from '../src/integrations/control-plane.client';
import { createTaskQueue, type TaskQueue, type TaskQueueOptions } from '../src/tasks/task-queue';
import { assistantAudience, startTokenIssuer, type TokenIssuer } from './token-issuer';

export interface TestAppOptions {
  db: Kysely<Database>;
  issuer: string;
  taskQueue: TaskQueue;
  controlPlane?: ControlPlaneClient;
}

const silent = createLogger('sre-assistant', 'silent');

/** The real app, verifying tokens against the given issuer, logging nothing. */
export function createTestApp({ db, issuer, taskQueue, controlPlane }: TestAppOptions): Express {
  return createApp({
    db,
    log: silent,
    verifyAccessToken: createAccessTokenVerifier({ issuer, audience: assistantAudience }),
    controlPlane,
    taskQueue,
    version: '0.1.0',
  });
}

/** The real pg-boss queue on a test database, started (schema installed) but not working tasks. */
export async function startTestQueue(connectionString: string, options: Partial<TaskQueueOptions> = {}): Promise<TaskQueue> {
  const queue = createTaskQueue({ connectionString, log: silent, timeoutSeconds: 30, retryLimit: 2, concurrency: 2, ...options });
  await queue.start();
  return queue;
}

export interface AssistantUnderTest {
  database: TestDatabase;
  issuer: TokenIssuer;
  /** The queue accepted diagnoses go to; nothing works it unless a test calls `work`. */
  taskQueue: TaskQueue;
  /** The app on `database`, trusting `issuer`, with no control-plane client. */
  app: Express;
  /** Stops the queue and the issuer, then drops the database. */
  close(): Promise<void>;
}

export interface AssistantWithBearer extends AssistantUnderTest {
  /** An Authorization header value: `Bearer` and an access token of the control-plane client carrying the scope asked for. */
  bearer: string;
}

export interface StartAssistantOptions {
  /** Client ids and secrets the issuer's token endpoint accepts (the assistant's own client, for calls to the control plane). */
  clients?: Record<string, string>;
}

/** The real app on a fresh database, trusting a local token issuer. */
export function startAssistant(options?: StartAssistantOptions): Promise<AssistantUnderTest>;
/** The real app on a fresh database, trusting a local token issuer; `bearer` carries `scope`. */
export function startAssistant(options: StartAssistantOptions & { scope: string }): Promise<AssistantWithBearer>;
export async function startAssistant({ clients, scope }: StartAssistantOptions & { scope?: string } = {}): Promise<AssistantUnderTest | AssistantWithBearer> {
  const database = await createTestDatabase();
  const issuer = await startTokenIssuer(clients);
  const taskQueue = await startTestQueue(database.url);
  const app = createTestApp({ db: database.db, issuer: issuer.issuer, taskQueue });
  const close = async () => {
    await taskQueue.stop();
    await issuer.close();
    await database.drop();
  };
  if (scope === undefined) return { database, issuer, taskQueue, app, close };
  const bearer = `Bearer ${await issuer.accessToken({ clientId: 'control-plane', scope })}`;
  return { database, issuer, taskQueue, app, bearer, close };
}

/** Stores a firing alert, as the control plane's webhook receiver would, and returns its id. */
export async function insertAlert(db: Kysely<Database>, alertname = 'HighCpu'): Promise<string> {
  const row = await db
    .insertInto('alerts')
    .values({
      fingerprint: `${alertname}-${Math.random().toString(16).slice(2)}`,
      status: 'firing',
      labels: { alertname, instance: 'web-1:9100' },
      starts_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Row counts of the tables a task request writes (pg-boss' jobs included), to prove that a refused request wrote nothing. */
export async function countTaskWrites(db: Kysely<Database>): Promise<{ tasks: number; auditEntries: number; jobs: number }> {
  const { rows } = await sql<{ tasks: number; audit_entries: number; jobs: number }>`
    select (select count(*) from diagnosis_tasks)::int as tasks, (select count(*) from audit_log)::int as audit_entries,
      (select count(*) from pgboss.job)::int as jobs
  `.execute(db);
  return { tasks: rows[0]!.tasks, auditEntries: rows[0]!.audit_entries, jobs: rows[0]!.jobs };
}

/** The queued jobs of a task: pg-boss' queue name and state for each. */
export async function jobsOfTask(db: Kysely<Database>, taskId: string): Promise<Array<{ name: string; state: string }>> {
  const { rows } = await sql<{ name: string; state: string }>`select name, state from pgboss.job where data->>'taskId' = ${taskId} order by created_on`.execute(db);
  return rows;
}
