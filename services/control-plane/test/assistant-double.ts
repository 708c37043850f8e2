import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { z } from 'zod';
import { AccessTokenError, createAccessTokenVerifier, type AccessTokenVerifier } from '@sre/auth';
import { createDb, type Database, type Kysely, type TaskKind } from '@sre/db';
import { startControlPlane, type ControlPlaneUnderTest } from './harness';

/** A POST /diagnostics/alert the double received, with what its verified token said. */
export interface ReceivedDiagnosisRequest {
  alertId: string;
  requestedBy: string | undefined;
  clientId: string;
  scopes: string[];
}

/** A POST /execute the double received: the body as sent, with what its verified token said. */
export interface ReceivedQuestion {
  body: z.output<typeof executeRequest>;
  clientId: string;
  scopes: string[];
}

export type AssistantBehaviour = 'accepting' | 'failing' | 'rejecting' | 'down';

export interface AssistantDouble {
  url: string;
  /** Requests that passed authentication and validation, in arrival order, including those then answered 503. */
  received: ReceivedDiagnosisRequest[];
  /** POST /execute requests that passed authentication and validation, in arrival order, including those then refused. */
  receivedQuestions: ReceivedQuestion[];
  /**
   * `failing` answers 503 problem+json; `rejecting` answers POST /execute with a 400
   * validation-failed problem, as an assistant whose contract moved on would; `down` closes the
   * port, so connections are refused.
   */
  behave(behaviour: AssistantBehaviour): Promise<void>;
  /** Holds every request (after recording it) until the returned release is called, to widen races on purpose. */
  hold(): () => void;
  close(): Promise<void>;
}

const audience = 'urn:sre-platform:sre-assistant';
const diagnoseAlertRequest = z.strictObject({ alertId: z.uuid(), requestedBy: z.string().min(1).max(200).optional() });
// ExecuteRequest of contracts/openapi.yaml: closed objects at every level, a non-blank question.
const dateTime = z.iso.datetime({ offset: true });
const executeRequest = z.strictObject({
  question: z.string().min(1).max(2000).regex(/\S/),
  context: z
    .strictObject({
      alertId: z.uuid().optional(),
      deviceId: z.uuid().optional(),
      timeRange: z.strictObject({ from: dateTime, to: dateTime }).refine((range) => Date.parse(range.to) >= Date.parse(range.from), 'to must not be before from').optional(),
    })
    .optional(),
  requestedBy: z.string().min(1).max(200).optional(),
});

/**
 * The sre-assistant's POST /diagnostics/alert and POST /execute as contracts/openapi.yaml
 * describes them: a real JWT from the test's identity provider (audience and scope checked), the
 * diagnosis_tasks row inserted into the shared database as the real service does, 202 with the
 * Task and Location. It works no task: tests write progress and results into the database, as
 * the assistant's worker would. It listens at once; `attach` names the issuer and database once
 * the control plane has them.
 */
export async function startAssistantDouble(): Promise<AssistantDouble & { attach(shared: { issuer: string; databaseUrl: string }): void }> {
  let attached: { verify: AccessTokenVerifier; db: Kysely<Database> } | undefined;
  const received: ReceivedDiagnosisRequest[] = [];
  const receivedQuestions: ReceivedQuestion[] = [];
  let behaviour: AssistantBehaviour = 'accepting';
  let gate: Promise<void> = Promise.resolve();

  const app = express();
  app.post('/diagnostics/alert', express.json(), async (request, response) => {
    if (!attached) return problem(response, 503, 'auth-unavailable', 'the double has no identity provider yet');
    const caller = await authenticate(attached.verify, request.get('authorization'), 'assistant.diagnose', response);
    if (!caller) return;
    const body = diagnoseAlertRequest.safeParse(request.body);
    if (!body.success) return validationProblem(response, body.error);
    received.push({ alertId: body.data.alertId, requestedBy: body.data.requestedBy, clientId: caller.clientId, scopes: [...caller.scopes].sort() });
    if (behaviour === 'failing') return problem(response, 503, 'auth-unavailable', 'the token issuer could not be reached to fetch its keys');
    await gate;
    const task = await createTask(attached.db, { kind: 'alert', alertId: body.data.alertId, requestedBy: body.data.requestedBy ?? caller.clientId, request: body.data });
    if (!task) return problem(response, 404, 'not-found', `no alert has the id ${body.data.alertId}`);
    response.status(202).location(`/tasks/${task.id}`).json({
      id: task.id,
      kind: 'alert',
      status: task.status,
      createdAt: task.created_at.toISOString(),
      alertId: body.data.alertId,
      links: { self: `/tasks/${task.id}` },
    });
  });

  app.post('/execute', express.json(), async (request, response) => {
    if (!attached) return problem(response, 503, 'auth-unavailable', 'the double has no identity provider yet');
    const caller = await authenticate(attached.verify, request.get('authorization'), 'assistant.execute', response);
    if (!caller) return;
    const body = executeRequest.safeParse(request.body);
    if (!body.success) return validationProblem(response, body.error);
    receivedQuestions.push({ body: body.data, clientId: caller.clientId, scopes: [...caller.scopes].sort() });
    if (behaviour === 'failing') return problem(response, 503, 'auth-unavailable', 'the token issuer could not be reached to fetch its keys');
    if (behaviour === 'rejecting') {
      return problem(response, 400, 'validation-failed', '1 field failed validation', [{ path: 'question', message: 'Too big: expected string to have <=200 characters' }]);
    }
    await gate;
    const alertId = body.data.context?.alertId ?? null;
    const task = await createTask(attached.db, { kind: 'execute', alertId, requestedBy: body.data.requestedBy ?? caller.clientId, request: body.data });
    if (!task) return problem(response, 404, 'not-found', `no alert has the id ${alertId}`);
    response.status(202).location(`/tasks/${task.id}`).json({
      id: task.id,
      kind: 'execute',
      status: task.status,
      createdAt: task.created_at.toISOString(),
      ...(alertId ? { alertId } : {}),
      links: { self: `/tasks/${task.id}` },
    });
  });

  let server = http.createServer(app);
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;

  const double = {
    url: `http://127.0.0.1:${port}`,
    received,
    receivedQuestions,
    hold() {
      let release = () => {};
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = Promise.resolve();
          resolve();
        };
      });
      return release;
    },
    attach(shared: { issuer: string; databaseUrl: string }) {
      // A pool of its own, as the real assistant has: sharing the control plane's could deadlock.
      attached = { verify: createAccessTokenVerifier({ issuer: shared.issuer, audience }), db: createDb({ connectionString: shared.databaseUrl, maxConnections: 2 }) };
    },
    async behave(next: AssistantBehaviour) {
      if (next === 'down' && behaviour !== 'down') await stop(server);
      if (next !== 'down' && behaviour === 'down') {
        server = http.createServer(app);
        await listen(server, port); // the same port: the control plane's ASSISTANT_URL names it
      }
      behaviour = next;
    },
    async close() {
      if (behaviour !== 'down') await stop(server);
      await attached?.db.destroy();
    },
  };
  return double;
}

/** The control plane wired to a fresh assistant double. Close the double first: it uses the control plane's database. */
export async function startControlPlaneWithAssistant(env: Record<string, string> = {}): Promise<{ controlPlane: ControlPlaneUnderTest; assistant: AssistantDouble }> {
  const assistant = await startAssistantDouble();
  const controlPlane = await startControlPlane({ env: { ASSISTANT_URL: assistant.url, ...env } });
  assistant.attach({ issuer: controlPlane.identity.issuer, databaseUrl: controlPlane.database.url });
  return { controlPlane, assistant };
}

async function authenticate(verify: AccessTokenVerifier, header: string | undefined, scope: string, response: express.Response) {
  const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  try {
    const caller = await verify(token);
    if (!caller.scopes.has(scope)) {
      response.setHeader('WWW-Authenticate', `Bearer realm="sre-assistant", error="insufficient_scope", scope="${scope}"`);
      problem(response, 403, 'insufficient-scope', `this operation needs the scope ${scope}`);
      return undefined;
    }
    return caller;
  } catch (error) {
    if (!(error instanceof AccessTokenError)) throw error;
    response.setHeader('WWW-Authenticate', token ? 'Bearer realm="sre-assistant", error="invalid_token"' : 'Bearer realm="sre-assistant"');
    problem(response, 401, 'unauthenticated', error.message);
    return undefined;
  }
}

// As the real service: a task naming an alert is inserted only when the alert exists (FOR KEY SHARE until commit).
async function createTask(db: Kysely<Database>, task: { kind: TaskKind; alertId: string | null; requestedBy: string; request: Record<string, unknown> }) {
  return db.transaction().execute(async (trx) => {
    if (task.alertId !== null) {
      const alert = await trx.selectFrom('alerts').select('id').where('id', '=', task.alertId).forKeyShare().executeTakeFirst();
      if (!alert) return undefined;
    }
    return trx
      .insertInto('diagnosis_tasks')
      .values({ kind: task.kind, alert_id: task.alertId, requested_by: task.requestedBy, request: JSON.stringify(task.request) })
      .returning(['id', 'status', 'created_at'])
      .executeTakeFirstOrThrow();
  });
}

function validationProblem(response: express.Response, error: z.ZodError) {
  const errors = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  problem(response, 400, 'validation-failed', `${errors.length} field${errors.length === 1 ? '' : 's'} failed validation`, errors);
}

function problem(response: express.Response, status: number, code: string, detail: string, errors?: Array<{ path: string; message: string }>) {
  response
    .status(status)
    .type('application/problem+json')
    .json({ type: `urn:sre-platform:problem:${code}`, title: code, status, detail, requestId: 'double', ...(errors ? { errors } : {}) });
}

function listen(server: http.Server, port: number) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function stop(server: http.Server) {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}
