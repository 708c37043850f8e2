import type { Request, RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  /** Counts and times every request, labelled by route template (never the raw path). */
  middleware: RequestHandler;
  /** Serves the registry in the Prometheus text format. */
  handler: RequestHandler;
}

/** A registry with process metrics and HTTP request counts and durations for one service. */
export function createHttpMetrics(service: string): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests handled, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method and route template.',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const middleware: RequestHandler = (request, response, next) => {
    const stopTimer = durations.startTimer();
    response.on('finish', () => {
      const route = routeTemplate(request);
      requests.inc({ method: request.method, route, status: String(response.statusCode) });
      stopTimer({ method: request.method, route });
    });
    next();
  };
  const handler: RequestHandler = async (_request, response) => {
    response.type(registry.contentType).send(await registry.metrics());
  };
  return { registry, middleware, handler };
}

// Raw paths carry ids and would explode the label cardinality; unmatched paths share one label.
function routeTemplate(request: Request): string {
  const path: unknown = request.route?.path;
  return typeof path === 'string' ? `${request.baseUrl}${path}` : 'unmatched';
}
