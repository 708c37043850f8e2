import { Router, type RequestHandler } from 'express';

export type ReadinessCheck = () => Promise<boolean>;

/** `/healthz`: the process is up and serving. */
export const livenessHandler: RequestHandler = (_request, response) => {
  response.json({ status: 'ok' });
};

/**
 * `/readyz`: runs every check (e.g. the database) and answers 503 naming the failing ones, or
 * while the service is draining for shutdown so load balancers stop sending it traffic.
 */
export function readinessHandler(checks: Record<string, ReadinessCheck>, isDraining: () => boolean): RequestHandler {
  return async (_request, response) => {
    if (isDraining()) {
      response.status(503).json({ status: 'draining' });
      return;
    }
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await check().catch(() => false)] as const),
    );
    const failing = entries.filter(([, ok]) => !ok).map(([name]) => name);
    response.status(failing.length ? 503 : 200).json({
      status: failing.length ? 'unavailable' : 'ok',
      checks: Object.fromEntries(entries.map(([name, ok]) => [name, ok ? 'ok' : 'failing'])),
    });
  };
}

/** Both probes on one router: GET /healthz and GET /readyz. */
export function healthRoutes(checks: Record<string, ReadinessCheck>, isDraining: () => boolean): Router {
  const router = Router();
  router.get('/healthz', livenessHandler);
  router.get('/readyz', readinessHandler(checks, isDraining));
  return router;
}
