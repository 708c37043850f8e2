import express, { type Express } from 'express';
import type { AccessTokenVerifier } from '@sre/auth';
import { isDatabaseReachable, type Database, type Kysely } from '@sre/db';
import { createHttpMetrics, healthRoutes, requestContext, type HttpMetrics, type Logger } from '@sre/service-kit';
import { authenticate } from './auth/bearer-auth';
import { diagnosticsRoutes } from './diagnostics/diagnostics.routes';
import { executeRoutes } from './execute/execute.routes';
import { createInfoService } from './info/info.service';
import { infoRoutes } from './info/info.routes';
import type { ControlPlaneClient } from './integrations/control-plane.client';
import type { TaskQueue } from './tasks/task-queue';
import { createTasksService } from './tasks/tasks.service';
import { tasksRoutes } from './tasks/tasks.routes';
import { problemHandler, routeNotFound } from './web/problem-handler';

export interface AppDependencies {
  db: Kysely<Database>;
  log: Logger;
  verifyAccessToken: AccessTokenVerifier;
  /** Undefined when the assistant has no client secret: /info then reports `not_configured`. */
  controlPlane: ControlPlaneClient | undefined;
  /** Where accepted alert diagnoses are queued for the workers. */
  taskQueue: Pick<TaskQueue, 'enqueue'>;
  version: string;
  /** True once shutdown has begun, so /readyz turns traffic away. */
  isDraining?: () => boolean;
  /** The registry /metrics serves; main passes its own so that the agent's metrics join the HTTP ones. */
  metrics?: HttpMetrics;
}

// The largest valid body (a 2,000-character question, escaped, plus context) is far below this.
const bodyLimit = '32kb';

/** The assistant's HTTP API as an express app; it never listens (main and tests decide that). */
export function createApp(dependencies: AppDependencies): Express {
  const { db, log, verifyAccessToken, controlPlane, taskQueue, version, isDraining = () => false } = dependencies;
  const tasks = createTasksService(db, taskQueue);
  const metrics = dependencies.metrics ?? createHttpMetrics('sre-assistant');

  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(log));
  app.use(metrics.middleware);
  app.get('/metrics', metrics.handler);
  app.use(healthRoutes({ database: () => isDatabaseReachable(db) }, isDraining));

  // Everything below needs a valid token; bodies are parsed only for authenticated callers.
  app.use(authenticate(verifyAccessToken));
  app.use(express.json({ limit: bodyLimit }));
  app.use(diagnosticsRoutes(tasks));
  app.use(executeRoutes(tasks));
  app.use(tasksRoutes(tasks));
  app.use(infoRoutes(createInfoService({ version, controlPlane })));

  app.use(routeNotFound);
  app.use(problemHandler);
  return app;
}
