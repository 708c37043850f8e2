import { Router } from 'express';
import { requireScope, scopes } from '../auth/bearer-auth';
import { taskPath, toTaskResource } from '../tasks/task';
import type { TasksService } from '../tasks/tasks.service';
import { parseInput } from '../validation';
import { executeRequest } from './execute.input';

/** POST /execute. */
export function executeRoutes(tasks: TasksService): Router {
  const router = Router();
  router.post('/execute', requireScope(scopes.execute), async (request, response) => {
    const input = parseInput(executeRequest, request.body);
    const task = await tasks.requestInvestigation(input, { clientId: response.locals.caller.clientId, requestId: response.locals.requestId });
    response.status(202).location(taskPath(task.id)).json(toTaskResource(task));
  });
  return router;
}
