import { Router } from 'express';
import { requireScope, scopes } from '../auth/bearer-auth';
import type { InfoService } from './info.service';

/** GET /info. */
export function infoRoutes(info: InfoService): Router {
  const router = Router();
  router.get('/info', requireScope(scopes.read), async (_request, response) => {
    response.json(await info.describe(response.locals.caller));
  });
  return router;
}
