import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { AppError, malformedBody, notFound, payloadTooLarge, problemTypes, type ErrorCode, type Problem } from '../errors';

/** Answers every unmatched route with a 404 problem. */
export const routeNotFound: RequestHandler = (request) => {
  throw notFound(`no route for ${request.method} ${request.path}`);
};

/**
 * The one place errors become responses: an AppError becomes its problem+json, body-parser's
 * refusals become 400/413 problems, and anything else a 500 that names only the request id
 * (the error itself is logged under that id, never sent).
 */
export const problemHandler: ErrorRequestHandler = (error: unknown, request, response, next) => {
  if (response.headersSent) {
    next(error);
    return;
  }
  const appError = error instanceof AppError ? error : fromBodyParser(error);
  if (!appError) {
    response.locals.log.error({ err: error }, 'request failed');
    sendProblem(request, response, 'internal');
    return;
  }
  if (appError.status >= 500) response.locals.log.error({ err: appError.cause ?? appError, code: appError.code }, appError.message);
  if (appError.challenge) response.setHeader('WWW-Authenticate', appError.challenge);
  sendProblem(request, response, appError.code, appError);
};

function sendProblem(request: Request, response: Response, code: ErrorCode, error?: AppError): void {
  const { status, type, title } = problemTypes[code];
  const problem: Problem = {
    type,
    title,
    status,
    detail: error?.message,
    instance: request.originalUrl.split('?')[0],
    requestId: response.locals.requestId,
    errors: error?.errors,
  };
  response.status(status).type('application/problem+json').json(problem);
}

// express.json() (body-parser) reports its refusals as http-errors carrying a `type`.
function fromBodyParser(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  if (error.type === 'entity.parse.failed') return malformedBody(error);
  if (error.type === 'entity.too.large' && 'limit' in error && typeof error.limit === 'number') return payloadTooLarge(error.limit);
  return undefined;
}
