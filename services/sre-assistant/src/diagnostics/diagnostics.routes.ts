import { Router } from 'express';
import { requireScope, scopes } from '../auth/bearer-auth';
import { taskPath, toTaskResource } from '../tasks/task';
import type { TasksService } from '../tasks/tasks.service';
import { parseInput } from '../validation';
import { diagnoseAlertRequest } from './diagnostics.input';

/** POST /diagnostics/alert. */
export function diagnosticsRoutes(tasks: TasksService): Router {
  const router = Router();
  router.post('/diagnostics/alert', requireScope(scopes.diagnose), async (request, response) => {
    const input = parseInput(diagnoseAlertRequest, request.body);
    const task = await tasks.requestAlertDiagnosis(input, { clientId: response.locals.caller.clientId, requestId: response.locals.requestId });
    response.status(202).location(taskPath(task.id)).json(toTaskResource(task));
  });
  return router;
}
