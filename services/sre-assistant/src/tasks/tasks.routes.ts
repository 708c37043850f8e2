import { Router } from 'express';
import { requireScope, scopes } from '../auth/bearer-auth';
import { parseInput } from '../validation';
import { toTaskResource } from './task';
import { taskParams } from './tasks.input';
import type { TasksService } from './tasks.service';

/** GET /tasks/{id}. */
export function tasksRoutes(tasks: TasksService): Router {
  const router = Router();
  router.get('/tasks/:id', requireScope(scopes.read), async (request, response) => {
    const { id } = parseInput(taskParams, request.params);
    response.json(toTaskResource(await tasks.getTask(id)));
  });
  return router;
}
