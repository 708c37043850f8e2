import { Router } from 'express';

export type ReadinessCheck = () => Promise<boolean>;

/**
 * `/healthz` says the process is up; `/readyz` runs every check (e.g. the database) and answers
 * 503 naming the failing ones, or while the service is draining for shutdown.
 */
export function healthRoutes(checks: Record<string, ReadinessCheck>, isDraining: () => boolean): Router {
  const router = Router();
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  router.get('/readyz', async (_request, response) => {
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
  });
  return router;
}
