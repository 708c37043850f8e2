import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from './logger';

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Locals {
    requestId: string;
    log: Logger;
  }
}

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is well-formed) and a child
 * logger carrying it, echoes the id, and logs one line when the response is finished.
 */
export function requestContext(log: Logger): RequestHandler {
  return (request, response, next) => {
    const offered = request.get('x-request-id');
    const requestId = offered && acceptableRequestId.test(offered) ? offered : randomUUID();
    const started = process.hrtime.bigint();
    response.locals.requestId = requestId;
    response.locals.log = log.child({ requestId });
    response.setHeader('X-Request-Id', requestId);
    response.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      response.locals.log.info(
        { method: request.method, path: request.path, status: response.statusCode, durationMs: Math.round(durationMs * 10) / 10 },
        'request',
      );
    });
    next();
  };
}
