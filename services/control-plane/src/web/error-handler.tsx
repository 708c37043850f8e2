import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { AppError, notFound } from '../errors';
import { ErrorFragment, ErrorPage } from './error.views';
import { sendHtml, wantsFragment } from './html';
import { pageContext } from './page-context';

const titles: Record<AppError['code'], string> = {
  bad_request: 'Bad request',
  validation_failed: 'Check the form',
  unauthenticated: 'Authentication required',
  forbidden: 'Not allowed',
  csrf_rejected: 'Request refused',
  not_found: 'Not found',
  conflict: 'Conflict',
  payload_too_large: 'Too large',
  login_failed: 'Login failed',
  upstream_unavailable: 'Service unavailable',
};

export const notFoundHandler: RequestHandler = () => {
  throw notFound('this page');
};

const isApi = (request: Request) => request.path.startsWith('/api/');

/**
 * The one place errors become responses: problem+json under /api, an HTML page or fragment
 * elsewhere. Unexpected errors are logged with the request id and shown as a bare 500.
 */
export const errorHandler: ErrorRequestHandler = (error: unknown, request, response, _next) => {
  const requestId = response.locals.requestId;
  const appError = toAppError(error);
  if (!appError) response.locals.log.error({ err: error }, 'unhandled error');
  const status = appError?.status ?? 500;
  const title = appError ? titles[appError.code] : 'Something went wrong';
  const message = appError?.message ?? 'An unexpected error occurred. It has been logged; quote the request id when reporting it.';
  if (response.headersSent) return;

  if (isApi(request)) {
    response.status(status).type('application/problem+json').json({
      type: `urn:sre-platform:problem:${appError?.code ?? 'internal'}`,
      title,
      status,
      detail: message,
      instance: request.originalUrl,
      requestId,
      ...(appError?.details.fields
        ? { errors: Object.entries(appError.details.fields).map(([path, message]) => ({ path, message })) }
        : {}),
    });
    return;
  }
  if (appError?.code === 'unauthenticated') {
    const login = `/auth/login?returnTo=${encodeURIComponent(request.originalUrl)}`;
    if (wantsFragment(request)) response.setHeader('HX-Redirect', login);
    else if (request.method === 'GET') return response.redirect(303, login);
  }
  if (wantsFragment(request)) {
    sendHtml(response, <ErrorFragment title={title} message={message} requestId={requestId} />, status);
    return;
  }
  const action = appError?.code === 'login_failed' ? { href: '/auth/login', label: 'Start the login again' } : { href: '/', label: 'Back to the overview' };
  sendHtml(response, <ErrorPage title={title} message={message} requestId={requestId} context={pageContext(response, request.path)} action={action} />, status);
};

// Body-parser errors carry a `type` and a status; map the two a client can cause.
function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return new AppError('payload_too_large', 'the request body is too large');
  if (type === 'entity.parse.failed') return new AppError('bad_request', 'the request body is not valid JSON');
  if (type === 'parameters.too.many' || type === 'charset.unsupported' || type === 'encoding.unsupported') {
    return new AppError('bad_request', 'the request body could not be read');
  }
  return undefined;
}
