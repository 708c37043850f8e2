import type { Express } from 'express';
import { createAccessTokenVerifier } from '@sre/auth';
import { sql, type Database, type Kysely } from '@sre/db';
import { createLogger } from '@sre/service-kit';
import { createTestDatabase, type TestDatabase } from '../../../test/database';
import { createApp } from '../src/app';
import type { ControlPlaneClient } from '../src/integrations/control-plane.client';
import { assistantAudience, startTokenIssuer, type TokenIssuer } from './token-issuer';

export interface TestAppOptions {
  db: Kysely<Database>;
  issuer: string;
  controlPlane?: ControlPlaneClient;
}

/** The real app, verifying tokens against the given issuer, logging nothing. */
export function createTestApp({ db, issuer, controlPlane }: TestAppOptions): Express {
  return createApp({
    db,
    log: createLogger('sre-assistant', 'silent'),
    verifyAccessToken: createAccessTokenVerifier({ issuer, audience: assistantAudience }),
    controlPlane,
    version: '0.1.0',
  });
}

export interface AssistantUnderTest {
  database: TestDatabase;
  issuer: TokenIssuer;
  /** The app on `database`, trusting `issuer`, with no control-plane client. */
  app: Express;
  /** Stops the issuer, then drops the database. */
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
  const app = createTestApp({ db: database.db, issuer: issuer.issuer });
  const close = async () => {
    await issuer.close();
    await database.drop();
  };
  if (scope === undefined) return { database, issuer, app, close };
  const bearer = `Bearer ${await issuer.accessToken({ clientId: 'control-plane', scope })}`;
  return { database, issuer, app, bearer, close };
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

/** Row counts of the tables a task request writes, to prove that a refused request wrote nothing. */
export async function countTaskWrites(db: Kysely<Database>): Promise<{ tasks: number; auditEntries: number }> {
  const { rows } = await sql<{ tasks: number; audit_entries: number }>`
    select (select count(*) from diagnosis_tasks)::int as tasks, (select count(*) from audit_log)::int as audit_entries
  `.execute(db);
  return { tasks: rows[0]!.tasks, auditEntries: rows[0]!.audit_entries };
}
